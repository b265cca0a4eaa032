import { expect } from 'vitest';
import { OpCode } from '../../../src/jute/opcodes.js';
import { hex, type PeerId } from '../../../src/quorum/core/types.js';
import { create, ScriptedCluster, type ClusterOptions, type WriteHandle } from '../../../src/testing/sim/scripted/index.js';

/** Shared steps of the scenario tests: boot, write, and the checks every scenario ends with. */
export function boot(options: ClusterOptions = {}): { c: ScriptedCluster; leader: PeerId } {
  const c = new ScriptedCluster(options);
  c.startAll();
  const leader = c.awaitServing();
  return { c, leader };
}

/** `n` creates of `/<prefix>-<i>` through `origin`. */
export function writeMany(c: ScriptedCluster, origin: PeerId, prefix: string, n: number): WriteHandle[] {
  const out: WriteHandle[] = [];
  for (let i = 0; i < n; i++) out.push(c.write(origin, create(`/${prefix}-${i}`, `${prefix}:${i}`)));
  return out;
}

export function awaitAcked(c: ScriptedCluster, handles: readonly WriteHandle[], maxMs = 5_000): void {
  c.runUntil(() => handles.every((h) => h.status === 'acked'), maxMs, `acks of ${handles.length} writes (${handles.filter((h) => h.status !== 'acked').map((h) => h.status).join(',')})`);
}

export function awaitDone(c: ScriptedCluster, handles: readonly WriteHandle[], maxMs = 5_000): void {
  c.runUntil(() => handles.every((h) => h.status !== 'pending'), maxMs, 'write outcomes');
}

/**
 * Writes issued every `everyMs` to a serving peer (round robin over the serving ones), as long as
 * `active` is set; the handles are collected in `handles`.
 */
export class Load {
  readonly handles: WriteHandle[] = [];
  active = true;
  private n = 0;

  constructor(
    private readonly c: ScriptedCluster,
    private readonly prefix: string,
    private readonly everyMs = 7,
  ) {
    this.tick();
  }

  private tick(): void {
    if (!this.active) return;
    const serving = this.c.ids.filter((id) => this.c.peer(id).up && this.c.peer(id).serving && !this.c.peer(id).paused);
    if (serving.length > 0) {
      const origin = serving[this.n % serving.length] as PeerId;
      const i = this.n++;
      this.handles.push(this.c.write(origin, create(`/${this.prefix}-${i}`, `${this.prefix}:${i}`)));
    }
    this.c.scheduler.after(this.everyMs, () => this.tick());
  }

  stop(): void {
    this.active = false;
  }

  get acked(): number {
    return this.handles.filter((h) => h.status === 'acked').length;
  }
}

/** Every acknowledged create or setData is visible, with its data, on every peer. */
export function expectAckedWritesPresent(c: ScriptedCluster): void {
  const deleted = new Set(c.acked().filter((w) => w.op.kind === 'delete').map((w) => (w.op as { path: string }).path));
  for (const id of c.ids) {
    const contents = c.contents(id);
    const tree = c.tree(id);
    for (const w of c.acked()) {
      if (w.err !== 0) continue;
      if (w.op.kind === 'create' && w.op.ephemeral !== true && w.op.sequential !== true && !deleted.has(w.op.path)) {
        expect(contents.get(w.op.path), `p${id}: acked create ${w.op.path} at ${hex(w.zxid ?? 0n)}`).toBe(w.op.data);
        expect(tree.get(w.op.path)?.stat.czxid, `p${id}: ${w.op.path} was created by the acked txn`).toBe(w.zxid);
      }
      if (w.op.kind === 'createSession') {
        const closed = c.acked().some((x) => x.sessionId === w.sessionId && x.op.kind === 'closeSession');
        if (!closed && !expiredOnAll(c, w.sessionId)) expect(c.peer(id).core?.sessions.has(w.sessionId), `p${id}: acked session ${hex(w.sessionId)}`).toBe(true);
      }
    }
  }
}

function expiredOnAll(c: ScriptedCluster, session: bigint): boolean {
  return c.ids.every((id) => !(c.peer(id).core?.sessions.has(session) ?? false));
}

export function expectDigestsEqual(c: ScriptedCluster): void {
  const digests = c.ids.map((id) => c.digest(id));
  expect(new Set(digests).size, `digests ${digests.join(' ')}\n${c.describe()}`).toBe(1);
  const contents = c.ids.map((id) => JSON.stringify([...c.contents(id)]));
  expect(new Set(contents).size).toBe(1);
}

export function expectOneLeaderPerEpoch(c: ScriptedCluster): void {
  for (const [epoch, leaders] of c.leadersByEpoch()) expect(leaders, `leaders of epoch ${epoch}`).toHaveLength(1);
}

/** The checks every scenario ends with, on a quiescent ensemble. */
export function finalChecks(c: ScriptedCluster, maxMs = 20_000): void {
  c.settleAndCheck(maxMs);
  expectAckedWritesPresent(c);
  expectDigestsEqual(c);
  expectOneLeaderPerEpoch(c);
  expect(c.checkers.violations).toEqual([]);
}

/** Every ephemeral on every peer belongs to a session that peer holds as live. */
export function expectEphemeralsOwned(c: ScriptedCluster): void {
  for (const id of c.ids) {
    const tree = c.tree(id);
    const sessions = c.peer(id).core?.sessions ?? new Map<bigint, number>();
    for (const [owner, paths] of tree.ephemerals) {
      if (paths.size === 0) continue;
      expect(sessions.has(owner), `p${id}: ephemerals ${[...paths].join(' ')} of session ${hex(owner)} that is not live`).toBe(true);
    }
  }
}

export const isCreateSession = (w: WriteHandle): boolean => w.op.kind === 'createSession';
export const OP_CLOSE_SESSION = OpCode.closeSession;

export interface RejoinSetup {
  readonly c: ScriptedCluster;
  /** The old leader: it has every write, plus `orphan` logged but never committed. */
  readonly a: PeerId;
  /** The follower that missed the writes and must be synchronised (DIFF or SNAP). */
  readonly b: PeerId;
  /** The follower that acknowledged the writes with `a`. */
  readonly cc: PeerId;
  readonly acked: WriteHandle[];
  readonly orphan: WriteHandle;
  /** The zxid `a` logged `orphan` at (its last txn). */
  readonly orphanZxid: bigint;
}

/**
 * The shape of most sync-phase data-loss bugs: `b` misses `n` writes (acknowledged by `a` and
 * `cc`), `a` then logs one more txn nobody else has, and everything crashes. The caller then
 * restarts `a` and `b` alone, so `b`'s NEWLEADER ACK is what establishes the new epoch (and
 * commits `a`'s whole history): if `b` acknowledges before that history is durable, a crash of
 * `b` and then of `a` loses acknowledged writes once `b` and `cc` form the next quorum.
 * `snap`: `a` keeps a history too short to DIFF `b`.
 */
export function rejoinSetup(mode: 'diff' | 'snap', n = 6, options: ClusterOptions = {}): RejoinSetup {
  const { c, leader: a } = boot({ ...(mode === 'snap' ? { committedLogSize: 3 } : {}), ...options });
  const [b, cc] = c.followers() as [PeerId, PeerId];
  awaitAcked(c, writeMany(c, a, 'base', 2));
  c.crash(b);
  const acked = writeMany(c, a, 'w', n);
  awaitAcked(c, acked);
  c.runFor(20);
  c.pause(cc);
  const orphan = c.write(a, create('/orphan', 'a only'));
  c.runFor(20);
  c.crashAll();
  return { c, a, b, cc, acked, orphan, orphanZxid: c.peer(a).disk.lastLoggedZxid };
}

/** After a fault in `b`'s sync: `a` dies too (power loss), `b` and `cc` must carry on, then `a` rejoins. */
export function turnOver(s: RejoinSetup): void {
  const { c, a, b, cc } = s;
  c.clearFailpoints();
  c.crash(a);
  if (!c.peer(b).up) c.start(b);
  c.start(cc);
  const l = c.awaitServing(15_000, [b, cc]);
  awaitAcked(c, writeMany(c, l, 'after', 2));
  c.start(a);
  finalChecks(c);
}
