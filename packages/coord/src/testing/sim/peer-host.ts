import { PacketType, ServerState, hex, type PeerCoreConfig, type PeerId, type PeerInput, type PeerOutput, type RecoveredState } from '../../quorum/core/types.js';
import type { ApplyResult } from '../../server/apply.js';
import { DurableEgress } from '../../server/egress.js';
import { encodeTreeSnapshot } from '../../server/persistence/snapshot-tree.js';
import type { ClientWrite } from '../../quorum/core/types.js';
import type { TxnEntry } from '../../server/txn.js';
import type { Checkers } from './checkers.js';
import { CommitTracker } from './commit-tracker.js';
import { SimDisk, type DiskParams } from './disk.js';
import { describeEntry, fingerprint } from './fingerprint.js';
import type { Network } from './network.js';
import type { Random } from './random.js';
import type { Scheduler, ScheduledEvent } from './scheduler.js';
import type { CoreFactory, Fingerprint, Lineage, SimCore } from './types.js';

/**
 * The simulator's shell around one PeerCore: what quorum/node.ts does with sockets and files,
 * done against the simulated network and disk. It runs the core's outputs in order, one input at
 * a time; a `reload` takes virtual time, and inputs arriving meanwhile wait in a mailbox. A
 * crash may strike before any output (a "crash point"), so every message boundary of every
 * phase is a place the run can die.
 */
export interface ClientSide {
  reply(peer: PeerId, entry: TxnEntry, result: ApplyResult): void;
  refused(peer: PeerId, write: ClientWrite, reason: string): void;
  revalidated(peer: PeerId, sessionId: bigint, valid: boolean): void;
  stopServing(peer: PeerId): void;
}

export interface HostEnv {
  readonly scheduler: Scheduler;
  readonly rng: Random;
  readonly network: Network;
  readonly checkers: Checkers;
  readonly clients: ClientSide;
  readonly makeCore: CoreFactory;
  readonly diskParams: DiskParams;
  trace(line: string): void;
  /** Whether to crash right before running `output` (fault injection). */
  crashPoint(host: PeerHost, output: PeerOutput): boolean;
  /** Crash mode for a crash of `host` now (decided by the fault profile). */
  crashMode(host: PeerHost): { keepPageCache: 'none' | 'prefix' | 'all'; tornProbability: number; silent: boolean };
  reloadDelayMs(): number;
}

const STATE_NAMES = ['LOOKING', 'FOLLOWING', 'LEADING', 'OBSERVING'];
const PACKET_NAMES = new Map<number, string>(Object.entries(PacketType).map(([k, v]) => [v, k]));
export const packetName = (type: number): string => PACKET_NAMES.get(type) ?? `packet${type}`;
export const stateName = (s: number): string => STATE_NAMES[s] ?? `state${s}`;

export class PeerHost {
  core: SimCore | undefined;
  readonly disk: SimDisk;
  private lineageMap: Lineage = new Map();
  /** Highest zxid in the lineage. */
  private lineageTop = 0n;
  serving = false;
  incarnation = 0;
  crashes = 0;
  private busy = false;
  private mailbox: PeerInput[] = [];
  private timer: ScheduledEvent | undefined;
  private egress = new DurableEgress();
  private readonly commits: CommitTracker;
  /** The role and phase from the last `state` output run (the core's own may be further on). */
  private sessionCounter = 0;
  private readonly snapshotLineage = new WeakMap<PeerInput, Lineage>();
  /** Why a real server would refuse to start from this disk, if it would. */
  refusedToStart: string | undefined;

  constructor(
    readonly id: PeerId,
    readonly config: PeerCoreConfig,
    private readonly env: HostEnv,
  ) {
    this.commits = new CommitTracker(id, env.checkers);
    this.disk = new SimDisk(env.scheduler, env.rng, env.diskParams, (zxid) => this.deliver({ kind: 'durable', zxid }));
  }

  /** zxid → fingerprint of every txn this peer's tree reflects. */
  get lineage(): Lineage {
    return this.lineageMap;
  }

  set lineage(l: Lineage) {
    this.lineageMap = l;
    let top = 0n;
    for (const z of l.keys()) if (z > top) top = z;
    this.lineageTop = top;
  }

  private addLineage(zxid: bigint, fp: Fingerprint): void {
    this.lineageMap.set(zxid, fp);
    if (zxid > this.lineageTop) this.lineageTop = zxid;
  }

  get up(): boolean {
    return this.core !== undefined;
  }

  get name(): string {
    return `p${this.id}`;
  }

  /** A session id as SessionTracker allocates it: this server's id in the top byte. */
  newSessionId(): bigint {
    return (BigInt(this.id & 0x7f) << 56n) | (BigInt(this.incarnation & 0xffff) << 32n) | BigInt(++this.sessionCounter);
  }

  /** Boots (or reboots) from what the disk holds. */
  start(): void {
    const now = this.env.scheduler.nowMs;
    const rec = this.disk.recover();
    if (rec.refused !== undefined) {
      this.refusedToStart = rec.refused;
      this.env.checkers.violation(`${this.name} refuses to start: ${rec.refused}`);
      return;
    }
    this.refusedToStart = undefined;
    this.incarnation++;
    this.lineage = rec.lineage;
    this.egress = new DurableEgress();
    this.commits.restart();
    this.serving = false;
    this.busy = false;
    this.mailbox = [];
    this.env.trace(`start ${this.name} (incarnation ${this.incarnation}) at ${hex(rec.state.tree.lastProcessedZxid)} acceptedEpoch ${rec.state.acceptedEpoch} currentEpoch ${rec.state.currentEpoch}`);
    this.env.checkers.resetApplied(this.id);
    let outputs: PeerOutput[];
    try {
      this.core = this.env.makeCore(this.config, rec.state, now);
      outputs = this.core.start(now);
    } catch (err) {
      this.coreThrew(err, 'start');
      return;
    }
    this.runBatch(outputs, 0);
  }

  crash(why: string): void {
    if (!this.up) return;
    const mode = this.env.crashMode(this);
    this.core = undefined;
    this.crashes++;
    this.incarnation++;
    this.serving = false;
    this.busy = false;
    this.mailbox = [];
    if (this.timer !== undefined) this.timer.cancelled = true;
    this.timer = undefined;
    const loss = this.disk.crash({ keep: mode.keepPageCache, tornProbability: mode.tornProbability });
    const lossText = loss.lostUnsynced + loss.keptUnsynced === 0 ? '' : ` (unsynced: ${loss.keptUnsynced} kept, ${loss.lostUnsynced} lost${loss.torn ? ', last torn' : ''})`;
    this.env.trace(`crash ${this.name}: ${why}${lossText}${mode.silent ? ' [silent]' : ''}`);
    this.env.network.crash(this.id, mode.silent);
    this.env.clients.stopServing(this.id);
  }

  /** An input arrives (from the network, the disk, a client or the timer). */
  deliver(input: PeerInput, snapshotLineage?: Lineage): void {
    if (!this.up) return;
    if (snapshotLineage !== undefined) this.snapshotLineage.set(input, snapshotLineage);
    if (this.busy) {
      this.mailbox.push(input);
      return;
    }
    this.process(input);
    this.drain();
  }

  private drain(): void {
    while (!this.busy && this.up && this.mailbox.length > 0) this.process(this.mailbox.shift() as PeerInput);
  }

  private process(input: PeerInput): void {
    const core = this.core;
    if (core === undefined) return;
    const snapLineage = this.snapshotLineage.get(input);
    if (snapLineage !== undefined) {
      // The core replaces its tree with the leader's snapshot: from now on this peer reflects
      // the txns the leader's tree did when it sent it.
      this.lineage = new Map(snapLineage);
      this.env.checkers.resetApplied(this.id);
    }
    let outputs: PeerOutput[];
    try {
      outputs = core.handle(input, this.env.scheduler.nowMs);
    } catch (err) {
      this.coreThrew(err, `handling ${input.kind}`);
      return;
    }
    this.runBatch(outputs, 0);
    this.noticeSilentApplies();
  }

  /**
   * A core may bring its tree forward without `applied` outputs (a learner leaving its leader
   * applies what it logged but never saw committed, as ZooKeeper's fastForwardDataBase does).
   * The lineage follows from the log records it must have used.
   */
  private noticeSilentApplies(): void {
    const core = this.core;
    if (core === undefined || this.busy) return;
    const top = core.tree.lastProcessedZxid;
    const seen = this.lineageTop;
    if (top <= seen) return;
    let filled = 0;
    for (const rec of this.disk.log) {
      if (rec.zxid > seen && rec.zxid <= top) {
        this.addLineage(rec.zxid, rec.fp);
        filled++;
      }
    }
    // A leader applies at proposal time and reports `applied` at commit: nothing to say then.
    if (core.state !== ServerState.LEADING) this.env.trace(`${this.name} tree moved to ${hex(top)} from ${hex(seen)} without applied outputs (${filled} txns taken from its log)`);
  }

  private coreThrew(err: unknown, what: string): void {
    const msg = err instanceof Error ? `${err.name}: ${err.message}\n${(err.stack ?? '').split('\n').slice(1, 6).join('\n')}` : String(err);
    this.env.checkers.violation(`${this.name} core threw while ${what}: ${msg}`);
    this.crash('core threw');
  }

  private runBatch(outputs: readonly PeerOutput[], from: number): void {
    const inc = this.incarnation;
    for (let i = from; i < outputs.length; i++) {
      const out = outputs[i] as PeerOutput;
      if (this.env.crashPoint(this, out)) {
        this.crash(`crash point before ${describeOutput(out)}`);
        return;
      }
      if (out.kind === 'reload') {
        this.busy = true;
        this.env.scheduler.after(this.env.reloadDelayMs(), () => {
          if (inc !== this.incarnation) return;
          const state = this.reload(out.truncateTo);
          this.runBatch(outputs, i + 1);
          if (inc !== this.incarnation || state === undefined) return;
          this.busy = false;
          this.process({ kind: 'reloaded', state });
          this.drain();
        });
        return;
      }
      this.execute(out);
      if (inc !== this.incarnation) return;
    }
  }

  private reload(truncateTo: bigint): RecoveredState | undefined {
    const cut = this.disk.truncate(truncateTo);
    const rec = this.disk.recover();
    const at = rec.state.tree.lastProcessedZxid;
    // A snapshot newer than the cut is removed with it, so the disk may now end below the cut.
    const short = at < truncateTo ? ` — below ${hex(truncateTo)}: the txns in between are no longer on this disk` : '';
    this.env.trace(`${this.name} reload: log cut after ${hex(truncateTo)} (${cut} records dropped), rebuilt at ${hex(at)}${short}`);
    if (rec.refused !== undefined) {
      this.env.checkers.violation(`${this.name} reload would refuse to start: ${rec.refused}`);
    }
    this.lineage = rec.lineage;
    this.commits.forget();
    this.env.checkers.resetApplied(this.id);
    return rec.state;
  }

  private execute(out: PeerOutput): void {
    const env = this.env;
    switch (out.kind) {
      case 'sendElection':
        env.network.sendElection(this.id, out.to, out.notification);
        return;
      case 'connect':
        env.trace(`${this.name} dials p${out.leader}`);
        env.network.connect(this.id, out.leader);
        return;
      case 'send': {
        const meta = out.snapshot !== undefined ? new Map(this.lineage) : undefined;
        const sent = env.network.send(this.id, out.to, out.packet, out.snapshot, meta);
        if (out.packet.type !== PacketType.PING || !sent) {
          env.trace(`${this.name} → p${out.to} ${packetName(out.packet.type)} ${hex(out.packet.zxid)}${out.snapshot !== undefined ? ` +snapshot ${out.snapshot.length}B` : ''}${sent ? '' : ' (no link: dropped)'}`);
        }
        return;
      }
      case 'disconnect':
        env.network.close(this.id, out.peer);
        return;
      case 'append': {
        const problem = this.disk.append(out.entry);
        env.trace(`${this.name} append ${describeEntry(out.entry)}`);
        if (problem !== undefined) env.checkers.violation(`${this.name} log: ${problem}`);
        return;
      }
      case 'writeEpoch':
        this.disk.writeEpoch(out.which, out.epoch);
        env.trace(`${this.name} writes ${out.which}=${out.epoch}`);
        return;
      case 'snapshot': {
        const core = this.core as SimCore;
        const zxid = core.tree.lastProcessedZxid;
        this.disk.snapshot(zxid, encodeTreeSnapshot(core.tree, core.sessions), this.lineage);
        env.trace(`${this.name} snapshot at ${hex(zxid)}`);
        return;
      }
      case 'timer':
        if (this.timer !== undefined) this.timer.cancelled = true;
        this.timer = env.scheduler.at(out.atMs, () => {
          this.timer = undefined;
          this.deliver({ kind: 'tick' });
        });
        return;
      case 'state':
        this.commits.state(out.state, out.phase, out.epoch, out.leader);
        env.trace(`${this.name} ${stateName(out.state)} ${out.phase} epoch ${out.epoch}${out.leader !== undefined ? ` leader p${out.leader}` : ''}`);
        return;
      case 'applied': {
        const zxid = out.entry.header.zxid;
        const fp = fingerprint(out.entry);
        env.trace(`${this.name} applied ${describeEntry(out.entry)}`);
        this.addLineage(zxid, fp);
        this.commits.applied(zxid, fp);
        const { entry, result } = out;
        this.egress.emit(() => env.clients.reply(this.id, entry, result));
        return;
      }
      case 'speculated':
        this.egress.markLogged(out.zxid);
        this.commits.speculatedTxn(out.zxid);
        return;
      case 'committed': {
        env.trace(`${this.name} committed ≤ ${hex(out.zxid)}`);
        this.commits.committed(out.zxid);
        this.egress.markDurable(out.zxid);
        return;
      }
      case 'writeRefused':
        env.trace(`${this.name} refuses write s=${hex(out.write.sessionId)} cxid=${out.write.cxid}: ${out.reason}`);
        env.clients.refused(this.id, out.write, out.reason);
        return;
      case 'revalidated':
        env.clients.revalidated(this.id, out.sessionId, out.valid);
        return;
      case 'synced':
        return;
      case 'stopServing':
        env.trace(`${this.name} stops serving: ${out.reason}`);
        this.serving = false;
        env.clients.stopServing(this.id);
        return;
      case 'startServing':
        env.trace(`${this.name} serves clients`);
        this.serving = true;
        return;
      case 'log':
        if (out.level !== 'debug') env.trace(`${this.name} ${out.level}: ${out.message}`);
        return;
    }
  }
}

export function describeOutput(out: PeerOutput): string {
  switch (out.kind) {
    case 'send':
      return `send ${packetName(out.packet.type)} ${hex(out.packet.zxid)} to p${out.to}`;
    case 'append':
      return `append ${hex(out.entry.header.zxid)}`;
    case 'writeEpoch':
      return `writeEpoch ${out.which}=${out.epoch}`;
    case 'reload':
      return `reload to ${hex(out.truncateTo)}`;
    case 'applied':
      return `applied ${hex(out.entry.header.zxid)}`;
    case 'committed':
      return `committed ${hex(out.zxid)}`;
    case 'sendElection':
      return `election to p${out.to}`;
    default:
      return out.kind;
  }
}
