import { ServerState, hex, type PeerId, type ZabPhase } from '../../quorum/core/types.js';
import type { DataTree } from '../../server/data-tree.js';
import { treeDigest } from '../../server/persistence/digest.js';
import type { Fingerprint, Lineage } from './types.js';

/**
 * The invariants, checked as the run goes (every output that could break one is checked when it
 * happens, i.e. after every step) and once more after quiescence:
 *
 * - one leader per epoch: no two peers report LEADING in synchronization/broadcast for one epoch;
 * - committed prefixes agree: one global map zxid → txn fingerprint fed by every committed apply
 *   on every peer (a follower's or observer's `applied`, a leader's once `committed` covers it);
 * - zxids monotonic per server (applied zxids strictly increase between restarts/reloads/SNAPs)
 *   and per client (its acknowledged writes' zxids strictly increase);
 * - an acknowledged write is durable on a quorum of participants at the moment it is acknowledged,
 *   and survives: after quiescence every live peer reflects it with the same fingerprint;
 * - after quiescence: ephemerals only for live sessions, equal replica digests, sessions and
 *   lineages (the zxid → fingerprint history each tree reflects).
 */
export interface AckRecord {
  readonly client: string;
  readonly peer: PeerId;
  readonly zxid: bigint;
  readonly fp: Fingerprint;
  readonly atMs: number;
}

export interface ReplicaView {
  readonly id: PeerId;
  readonly tree: DataTree;
  readonly sessions: ReadonlyMap<bigint, number>;
  readonly lineage: Lineage;
  readonly leading: boolean;
}

export class Checkers {
  readonly violations: string[] = [];
  readonly acked: AckRecord[] = [];
  private readonly epochLeader = new Map<bigint, PeerId>();
  private readonly committed = new Map<bigint, { fp: Fingerprint; peer: PeerId }>();
  private readonly lastApplied = new Map<PeerId, bigint>();
  private readonly lastAckedByClient = new Map<string, bigint>();
  leaderChanges = 0;
  private lastLeader: string | undefined;
  /** Stop recording after this many (a broken run can produce thousands). */
  maxViolations = 20;

  constructor(
    private readonly clock: () => number,
    private readonly participants: readonly PeerId[],
    /** Would `peer`'s disk bring back `zxid` as `fp` if it restarted now? */
    private readonly durableOn: (peer: PeerId, zxid: bigint, fp: Fingerprint) => boolean,
  ) {}

  get ok(): boolean {
    return this.violations.length === 0;
  }

  violation(text: string): void {
    if (this.violations.length < this.maxViolations) this.violations.push(`t=${this.clock()}ms ${text}`);
  }

  onState(peer: PeerId, state: number, phase: ZabPhase, epoch: bigint, leader: PeerId | undefined): void {
    if (state !== ServerState.LEADING || (phase !== 'synchronization' && phase !== 'broadcast')) return;
    const known = this.epochLeader.get(epoch);
    if (known === undefined) {
      this.epochLeader.set(epoch, peer);
    } else if (known !== peer) {
      this.violation(`two leaders in epoch ${epoch}: p${known} and p${peer}`);
    }
    if (phase === 'broadcast') {
      const key = `${peer}@${epoch}`;
      if (key !== this.lastLeader) {
        this.lastLeader = key;
        this.leaderChanges++;
      }
    }
    void leader;
  }

  /** Restart, reload or SNAP: the peer's tree starts over, so its applied zxids may too. */
  resetApplied(peer: PeerId): void {
    this.lastApplied.delete(peer);
  }

  onApplied(peer: PeerId, zxid: bigint, _fp: Fingerprint): void {
    const last = this.lastApplied.get(peer);
    if (last !== undefined && zxid <= last) this.violation(`p${peer} applied ${hex(zxid)} after ${hex(last)} (applied zxids must increase)`);
    this.lastApplied.set(peer, zxid);
  }

  /** A txn that is committed reached `peer`'s tree. */
  onCommitted(peer: PeerId, zxid: bigint, fp: Fingerprint): void {
    const known = this.committed.get(zxid);
    if (known === undefined) this.committed.set(zxid, { fp, peer });
    else if (known.fp !== fp) this.violation(`committed txns disagree at ${hex(zxid)}: p${known.peer} applied ${known.fp}, p${peer} applied ${fp}`);
  }

  committedFingerprint(zxid: bigint): Fingerprint | undefined {
    return this.committed.get(zxid)?.fp;
  }

  /** A client was told its write succeeded (the reply left `peer`). */
  onAck(client: string, peer: PeerId, zxid: bigint, fp: Fingerprint): void {
    const last = this.lastAckedByClient.get(client);
    if (last !== undefined && zxid <= last) this.violation(`client ${client} acknowledged ${hex(zxid)} after ${hex(last)} (a client's zxids must increase)`);
    this.lastAckedByClient.set(client, zxid);
    const known = this.committed.get(zxid);
    if (known !== undefined && known.fp !== fp) this.violation(`client ${client} acknowledged ${hex(zxid)} as ${fp} but ${known.fp} was committed there`);
    const durable = this.participants.filter((p) => this.durableOn(p, zxid, fp));
    const quorum = Math.floor(this.participants.length / 2) + 1;
    if (durable.length < quorum) {
      this.violation(`p${peer} acknowledged ${hex(zxid)} to ${client} while only [${durable.map((p) => `p${p}`).join(' ')}] had it on disk (quorum ${quorum})`);
    }
    this.acked.push({ client, peer, zxid, fp, atMs: this.clock() });
  }

  /** The end-of-run checks, on a quiescent ensemble (every replica caught up). */
  checkQuiescent(replicas: readonly ReplicaView[]): void {
    let missing = 0;
    for (const a of this.acked) {
      for (const r of replicas) {
        const got = r.lineage.get(a.zxid);
        if (got !== a.fp) {
          if (missing++ < 3) this.violation(`acknowledged write ${hex(a.zxid)} (${a.client} via p${a.peer}) is ${got === undefined ? 'missing' : `replaced by ${got}`} on p${r.id}${r.leading ? ' (the leader)' : ''}`);
          break;
        }
      }
    }
    if (missing > 3) this.violation(`… ${missing} acknowledged writes missing or replaced in all`);
    // Every txn some peer applied as committed must be in every replica's history, acknowledged or not.
    let lost = 0;
    for (const [zxid, c] of this.committed) {
      for (const r of replicas) {
        const got = r.lineage.get(zxid);
        if (got !== c.fp) {
          if (lost++ < 3) this.violation(`committed txn ${hex(zxid)} (applied on p${c.peer}) is ${got === undefined ? 'missing' : `replaced by ${got}`} on p${r.id}`);
          break;
        }
      }
    }
    if (lost > 3) this.violation(`… ${lost} committed txns missing or replaced in all`);
    for (const r of replicas) {
      for (const [owner, paths] of r.tree.ephemerals) {
        if (paths.size > 0 && !r.sessions.has(owner)) this.violation(`p${r.id} holds ephemerals of dead session ${hex(owner)}: ${[...paths].slice(0, 3).join(' ')}`);
      }
    }
    const [first, ...rest] = replicas;
    if (first === undefined) return;
    const d0 = treeDigest(first.tree.nodes);
    for (const r of rest) {
      if (r.tree.lastProcessedZxid !== first.tree.lastProcessedZxid) {
        this.violation(`p${r.id} is at ${hex(r.tree.lastProcessedZxid)}, p${first.id} at ${hex(first.tree.lastProcessedZxid)} after quiescence`);
        continue;
      }
      const d = treeDigest(r.tree.nodes);
      if (d !== d0) this.violation(`tree digests differ at ${hex(first.tree.lastProcessedZxid)}: p${first.id} ${d0}, p${r.id} ${d}${firstDifference(first.tree, r.tree)}`);
      if (!sameSessions(first.sessions, r.sessions)) this.violation(`session tables differ: p${first.id} has ${first.sessions.size}, p${r.id} has ${r.sessions.size}`);
      const diff = lineageDifference(first.lineage, r.lineage);
      if (diff !== undefined) this.violation(`histories differ between p${first.id} and p${r.id}: ${diff}`);
    }
  }
}

function sameSessions(a: ReadonlyMap<bigint, number>, b: ReadonlyMap<bigint, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function lineageDifference(a: Lineage, b: Lineage): string | undefined {
  for (const [z, fp] of a) {
    const other = b.get(z);
    if (other !== fp) return `${hex(z)}: ${fp} vs ${other ?? 'missing'}`;
  }
  for (const z of b.keys()) if (!a.has(z)) return `${hex(z)}: missing vs ${b.get(z)}`;
  return undefined;
}

function firstDifference(a: DataTree, b: DataTree): string {
  for (const [path, node] of a.nodes) {
    const other = b.get(path);
    if (other === undefined) return ` (first: ${path} only on one side)`;
    if (other.stat.mzxid !== node.stat.mzxid || other.stat.version !== node.stat.version) return ` (first: ${path} mzxid ${hex(node.stat.mzxid)}/${hex(other.stat.mzxid)})`;
  }
  for (const path of b.nodes.keys()) if (!a.nodes.has(path)) return ` (first: ${path} only on one side)`;
  return '';
}
