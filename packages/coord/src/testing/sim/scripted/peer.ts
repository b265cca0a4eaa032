import { PeerCore } from '../../../quorum/core/peer.js';
import { hex, PacketType, ServerState, type PeerCoreConfig, type PeerId, type PeerInput, type PeerOutput, type RecoveredState } from '../../../quorum/core/types.js';
import type { ApplyResult } from '../../../server/apply.js';
import { DurableEgress } from '../../../server/egress.js';
import type { TxnEntry } from '../../../server/txn.js';
import type { ClientWrite } from '../../../quorum/core/types.js';
import type { Checkers } from '../checkers.js';
import { CommitTracker } from '../commit-tracker.js';
import { describeEntry, fingerprint } from '../fingerprint.js';
import type { Network } from '../network.js';
import { packetName, stateName } from '../peer-host.js';
import type { Scheduler, ScheduledEvent } from '../scheduler.js';
import type { CoreFactory, Lineage, SimCore } from '../types.js';
import { makeTree, RecoveryRefused, ScriptedDisk, type DiskRecovery } from './disk.js';

/**
 * One scripted peer: a PeerCore and the shell around it (what quorum/node.ts does with sockets
 * and files, done against the simulated network and a ScriptedDisk). It runs the core's outputs
 * in order, one input at a time, and offers every step to the failpoints first, so a test can
 * crash (or do anything else) exactly before or after any input, output or fsync.
 */
export type PeerEvent =
  /** An input is about to be handled. */
  | { readonly kind: 'input'; readonly input: PeerInput }
  /** An input was handled and all its outputs carried out. */
  | { readonly kind: 'handled'; readonly input: PeerInput }
  /** An output is about to be carried out. */
  | { readonly kind: 'output'; readonly output: PeerOutput }
  /** An output was carried out (a `send` is on the wire, a `writeEpoch` on disk…). */
  | { readonly kind: 'executed'; readonly output: PeerOutput }
  /** An fsync is about to make the log durable up to `zxid`. */
  | { readonly kind: 'fsync'; readonly zxid: bigint };

export interface CrashOptions {
  /**
   * How many bytes of the page cache (log bytes written but not fsynced) survive, counted from the
   * first unsynced byte: 0 (the default) is a power loss, Infinity a process kill that kept them
   * all; anything in between cuts a write, possibly inside an entry or the file header.
   */
  readonly keepBytes?: number;
  /** Keep the unsynced log entries except the last, which survives only as its first `tearLast` bytes. */
  readonly tearLast?: number;
}

export interface ClientSink {
  reply(peer: PeerId, entry: TxnEntry, result: ApplyResult): void;
  refused(peer: PeerId, write: ClientWrite, reason: string): void;
  disconnected(peer: PeerId, why: string): void;
}

export interface PeerEnv {
  readonly scheduler: Scheduler;
  readonly network: Network;
  readonly checkers: Checkers;
  readonly clients: ClientSink;
  readonly makeCore: CoreFactory;
  /** Virtual time a TRUNC's reload takes. */
  readonly reloadMs: number;
  trace(line: string): void;
  /** Runs the failpoints for `peer`; true if one asked to drop the input (on an `input` event). */
  failpoints(peer: ScriptedPeer, ev: PeerEvent): boolean;
}

export class ScriptedPeer {
  core: SimCore | undefined;
  readonly disk: ScriptedDisk;
  /** zxid → fingerprint of every txn this peer's state reflects once all it logged is applied. */
  lineage: Lineage = new Map();
  serving = false;
  paused = false;
  incarnation = 0;
  refusedToStart: string | undefined;
  /** Inputs waiting while the peer is paused or reloading. */
  private mailbox: PeerInput[] = [];
  private readonly snapshotMeta = new WeakMap<PeerInput, Lineage>();
  private busy = false;
  private timer: ScheduledEvent | undefined;
  private egress = new DurableEgress();
  private readonly commits: CommitTracker;
  /** Every state this peer reported, oldest first (for assertions). */
  readonly states: { state: ServerState; phase: string; epoch: bigint; leader: PeerId | undefined; atMs: number }[] = [];

  constructor(
    readonly id: PeerId,
    readonly config: PeerCoreConfig,
    private readonly env: PeerEnv,
  ) {
    this.commits = new CommitTracker(id, env.checkers);
    this.disk = new ScriptedDisk({
      after: (ms, run) => void env.scheduler.after(ms, run),
      beforeFsync: (zxid) => {
        const inc = this.incarnation;
        if (this.up) env.failpoints(this, { kind: 'fsync', zxid });
        return inc === this.incarnation;
      },
      durable: (zxid) => this.deliver({ kind: 'durable', zxid }),
      problem: (text) => env.checkers.violation(`${this.name} log: ${text}`),
    });
  }

  get up(): boolean {
    return this.core !== undefined;
  }

  get name(): string {
    return `p${this.id}`;
  }

  /** Boots from what the disk holds (a fresh disk gets snapshot.0 first, as ZooKeeper writes it). */
  start(): boolean {
    const env = this.env;
    if (this.up) return true;
    if (this.disk.fresh) this.disk.takeSnapshot(makeTree(), new Map(), new Map());
    let rec: DiskRecovery;
    try {
      rec = this.disk.recover();
    } catch (err) {
      if (!(err instanceof RecoveryRefused)) throw err;
      this.refusedToStart = err.message;
      env.trace(`${this.name} refuses to start: ${err.message}`);
      return false;
    }
    this.refusedToStart = undefined;
    this.incarnation++;
    this.lineage = rec.lineage;
    this.egress = new DurableEgress();
    this.commits.restart();
    this.serving = false;
    this.paused = false;
    this.busy = false;
    this.mailbox = [];
    const s = rec.state;
    env.trace(
      `start ${this.name} at ${hex(s.tree.lastProcessedZxid)} (snapshot ${hex(rec.snapshotZxid)}, acceptedEpoch ${s.acceptedEpoch}, currentEpoch ${s.currentEpoch})${rec.repairs.length > 0 ? ` repairs: ${rec.repairs.join('; ')}` : ''}`,
    );
    env.checkers.resetApplied(this.id);
    const now = env.scheduler.nowMs;
    this.core = env.makeCore(this.config, s, now);
    this.runBatch(this.core.start(now), 0, undefined);
    return true;
  }

  crash(why: string, options: CrashOptions = {}): void {
    if (!this.up) return;
    const env = this.env;
    this.core = undefined;
    this.incarnation++;
    this.serving = false;
    this.paused = false;
    this.busy = false;
    this.mailbox = [];
    if (this.timer !== undefined) this.timer.cancelled = true;
    this.timer = undefined;
    let keep = options.keepBytes ?? 0;
    if (options.tearLast !== undefined) {
      const unsynced = this.disk.unsyncedRecords();
      const last = unsynced.at(-1);
      keep = last === undefined ? 0 : this.disk.unsyncedBytes - (last.end - last.start) + options.tearLast;
    }
    const loss = this.disk.crash(keep);
    env.trace(`crash ${this.name}: ${why}${loss === '' ? '' : ` (${loss})`}`);
    env.network.crash(this.id, false);
    env.clients.disconnected(this.id, 'crashed');
  }

  pause(): void {
    if (!this.up || this.paused) return;
    this.paused = true;
    this.env.trace(`pause ${this.name}`);
  }

  resume(): void {
    if (!this.up || !this.paused) return;
    this.paused = false;
    this.env.trace(`resume ${this.name} (${this.mailbox.length} inputs waiting)`);
    this.drain();
  }

  /** An input arrives (network, disk, timer or client). */
  deliver(input: PeerInput, snapshotLineage?: Lineage): void {
    if (!this.up) return;
    if (snapshotLineage !== undefined) this.snapshotMeta.set(input, snapshotLineage);
    this.mailbox.push(input);
    this.drain();
  }

  private drain(): void {
    while (this.up && !this.paused && !this.busy && this.mailbox.length > 0) this.process(this.mailbox.shift() as PeerInput);
  }

  private process(input: PeerInput): void {
    const inc = this.incarnation;
    const drop = this.env.failpoints(this, { kind: 'input', input });
    const core = this.core;
    if (inc !== this.incarnation || core === undefined) return;
    if (drop) {
      this.env.trace(`${this.name} drops ${input.kind === 'packet' ? `${packetName(input.packet.type)} ${hex(input.packet.zxid)}` : input.kind} (failpoint)`);
      return;
    }
    const meta = this.snapshotMeta.get(input);
    if (meta !== undefined && input.kind === 'packet') {
      // The core replaces its state with the leader's snapshot.
      this.lineage = cut(meta, input.packet.zxid);
      this.env.checkers.resetApplied(this.id);
    }
    if (input.kind === 'packet' && input.packet.type !== PacketType.PING) {
      this.env.trace(`${this.name} ← p${input.from} ${packetName(input.packet.type)} ${hex(input.packet.zxid)}`);
    }
    this.runBatch(core.handle(input, this.env.scheduler.nowMs), 0, input);
  }

  private runBatch(outputs: readonly PeerOutput[], from: number, input: PeerInput | undefined): void {
    const inc = this.incarnation;
    const env = this.env;
    for (let i = from; i < outputs.length; i++) {
      const out = outputs[i] as PeerOutput;
      env.failpoints(this, { kind: 'output', output: out });
      if (inc !== this.incarnation) return;
      if (out.kind === 'reload') {
        this.busy = true;
        env.trace(`${this.name} reload: cutting the log after ${hex(out.truncateTo)}`);
        env.scheduler.after(env.reloadMs, () => {
          if (inc !== this.incarnation) return;
          const state = this.reload(out.truncateTo);
          if (state === undefined) return;
          env.failpoints(this, { kind: 'executed', output: out });
          if (inc !== this.incarnation) return;
          this.runBatch(outputs, i + 1, input);
          if (inc !== this.incarnation) return;
          this.busy = false;
          this.mailbox.unshift({ kind: 'reloaded', state });
          this.drain();
        });
        return;
      }
      this.execute(out);
      if (inc !== this.incarnation) return;
      env.failpoints(this, { kind: 'executed', output: out });
      if (inc !== this.incarnation) return;
    }
    if (input !== undefined) env.failpoints(this, { kind: 'handled', input });
  }

  private reload(truncateTo: bigint): RecoveredState | undefined {
    const dropped = this.disk.truncate(truncateTo);
    let rec: DiskRecovery;
    try {
      rec = this.disk.recover();
    } catch (err) {
      this.env.checkers.violation(`${this.name} reload after TRUNC: recovery refused: ${(err as Error).message}`);
      this.crash('reload failed');
      return undefined;
    }
    this.env.trace(`${this.name} reloaded: ${dropped} txns cut, at ${hex(rec.state.tree.lastProcessedZxid)}`);
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
        env.network.connect(this.id, out.leader);
        return;
      case 'send': {
        const meta = out.snapshot !== undefined ? new Map(this.lineage) : undefined;
        const sent = env.network.send(this.id, out.to, out.packet, out.snapshot, meta);
        if (out.packet.type !== PacketType.PING) {
          env.trace(`${this.name} → p${out.to} ${packetName(out.packet.type)} ${hex(out.packet.zxid)}${out.snapshot !== undefined ? ` +snapshot ${out.snapshot.length}B` : ''}${sent ? '' : ' (no link)'}`);
        }
        return;
      }
      case 'disconnect':
        env.network.close(this.id, out.peer);
        return;
      case 'append':
        this.disk.append(out.entry);
        this.lineage.set(out.entry.header.zxid, fingerprint(out.entry));
        env.trace(`${this.name} append ${describeEntry(out.entry)}`);
        return;
      case 'writeEpoch':
        this.disk.writeEpoch(out.which, out.epoch);
        env.trace(`${this.name} writes ${out.which}=${out.epoch}`);
        return;
      case 'snapshot': {
        const core = this.core as SimCore;
        const zxid = this.disk.installSnapshot(core.tree, core.sessions, this.lineage);
        env.trace(`${this.name} snapshot at ${hex(zxid)}`);
        return;
      }
      case 'reload':
        return;
      case 'timer':
        if (this.timer !== undefined) this.timer.cancelled = true;
        this.timer = env.scheduler.at(out.atMs, () => {
          this.timer = undefined;
          this.deliver({ kind: 'tick' });
        });
        return;
      case 'state':
        this.commits.state(out.state, out.phase, out.epoch, out.leader);
        this.states.push({ state: out.state, phase: out.phase, epoch: out.epoch, leader: out.leader, atMs: env.scheduler.nowMs });
        env.trace(`${this.name} ${stateName(out.state)} ${out.phase} epoch ${out.epoch}${out.leader !== undefined ? ` leader p${out.leader}` : ''}`);
        return;
      case 'applied': {
        const zxid = out.entry.header.zxid;
        const fp = fingerprint(out.entry);
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
        this.commits.committed(out.zxid);
        this.egress.markDurable(out.zxid);
        return;
      }
      case 'writeRefused':
        env.trace(`${this.name} refuses write s=${hex(out.write.sessionId)} cxid=${out.write.cxid}: ${out.reason}`);
        env.clients.refused(this.id, out.write, out.reason);
        return;
      case 'revalidated':
      case 'synced':
        return;
      case 'stopServing':
        env.trace(`${this.name} stops serving: ${out.reason}`);
        this.serving = false;
        // Client connections are closed (ZooKeeperServer does the same): output held for a
        // leader's uncommitted speculation will never be released, nor sent.
        this.egress = new DurableEgress();
        env.clients.disconnected(this.id, out.reason);
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

export const defaultCoreFactory: CoreFactory = (config, recovered, nowMs) => new PeerCore(config, recovered, nowMs);

function cut(lineage: Lineage, zxid: bigint): Lineage {
  const out: Lineage = new Map();
  for (const [z, fp] of lineage) if (z <= zxid) out.set(z, fp);
  return out;
}
