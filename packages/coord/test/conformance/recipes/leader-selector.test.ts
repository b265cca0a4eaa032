import { afterEach, describe, expect, it } from 'vitest';
import { NoAuthError, READ_ACL_UNSAFE, type CoordClient } from '../../../src/index.js';
import { LeadershipCanceledError, LeaderSelector, type LeadershipContext, type LeaderSelectorOptions } from '../../../src/recipes/leader/index.js';
import { expireSession } from '../../../src/testing/index.js';
import { StateLog, useTarget, within, WAIT_MS } from '../harness.js';
import { targets } from '../target.js';

interface TurnRecord {
  readonly id: string;
  readonly kind: 'start' | 'end';
  readonly token: bigint;
  readonly reason?: string;
}

/**
 * Every takeLeadership turn of every selector, in order, with a check that turns never overlap.
 * A turn holds until its `release` is called or its signal fires.
 */
class Turns {
  readonly records: TurnRecord[] = [];
  readonly violations: string[] = [];
  private running = new Set<string>();
  private readonly releases = new Map<string, () => void>();
  private readonly waiters: { check: () => boolean; resolve: () => void }[] = [];

  /** A callback for participant `id`: records the turn, then holds it (or returns at once when `hold` is false). */
  callback(id: string, hold = true): (ctx: LeadershipContext) => Promise<void> {
    return async (ctx) => {
      if (this.running.size > 0) this.violations.push(`${id} started while ${[...this.running].join(', ')} ran`);
      this.running.add(id);
      this.push({ id, kind: 'start', token: ctx.fencingToken });
      if (hold) {
        await new Promise<void>((resolve) => {
          this.releases.set(id, resolve);
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      }
      this.running.delete(id);
      const reason = ctx.signal.aborted ? (ctx.signal.reason as LeadershipCanceledError).reason : undefined;
      this.push({ id, kind: 'end', token: ctx.fencingToken, ...(reason === undefined ? {} : { reason }) });
    };
  }

  release(id: string): void {
    const r = this.releases.get(id);
    this.releases.delete(id);
    r?.();
  }

  /** Resolves once at least `count` records match. */
  async waitFor(match: (r: TurnRecord) => boolean, count: number, what: string): Promise<TurnRecord[]> {
    const found = (): TurnRecord[] => this.records.filter(match);
    await within(
      new Promise<void>((resolve) => {
        if (found().length >= count) resolve();
        else this.waiters.push({ check: () => found().length >= count, resolve });
      }),
      () => `${what} (turns: ${this.describe()})`,
    );
    return found();
  }

  starts(): TurnRecord[] {
    return this.records.filter((r) => r.kind === 'start');
  }

  describe(): string {
    return this.records.map((r) => `${r.id}:${r.kind}${r.reason === undefined ? '' : `(${r.reason})`}`).join(' ');
  }

  private push(r: TurnRecord): void {
    this.records.push(r);
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }
}

/**
 * Resolves once `path` has no children. A turn ends when takeLeadership returns and the node goes
 * right after; on a follower, another session's read may come before that delete, so wait on a
 * child watch rather than read once.
 */
async function childrenGone(client: CoordClient, path: string): Promise<void> {
  for (;;) {
    let changed!: () => void;
    const event = new Promise<void>((resolve) => (changed = resolve));
    const children = await client.getChildren(path, { watch: () => changed() });
    if (children.length === 0) return;
    await within(event, `the children of ${path} to go (${children.join(', ')})`);
  }
}

function expectStrictlyIncreasing(tokens: readonly bigint[]): void {
  for (let i = 1; i < tokens.length; i++) expect(tokens[i] as bigint, `token ${i} of ${tokens.join(', ')}`).toBeGreaterThan(tokens[i - 1] as bigint);
}

for (const target of targets) {
  describe(`${target.name}: LeaderSelector`, () => {
    const zk = useTarget(target);
    const selectors: LeaderSelector[] = [];

    afterEach(async () => {
      await within(Promise.all(selectors.splice(0).map((s) => s.close())), 'selectors to close');
    });

    async function selector(turns: Turns, id: string, options: LeaderSelectorOptions & { hold?: boolean; client?: CoordClient } = {}): Promise<LeaderSelector> {
      const { hold, client, ...rest } = options;
      const s = new LeaderSelector(client ?? (await zk.client()), zk.path('/leader'), turns.callback(id, hold), { participantId: id, ...rest });
      selectors.push(s);
      s.on('error', (err) => turns.violations.push(`${id} error: ${String(err)}`));
      await s.start();
      return s;
    }

    it('holds leadership until takeLeadership returns; then the next in line takes over, one turn at a time', async () => {
      const turns = new Turns();
      const [a, b] = [await selector(turns, 'p0'), await selector(turns, 'p1')];
      await selector(turns, 'p2');
      await turns.waitFor((r) => r.kind === 'start', 1, 'p0 to start');
      expect(a.hasLeadership()).toBe(true);
      expect(b.hasLeadership()).toBe(false);
      expect((await b.getParticipants()).map((p) => p.id)).toEqual(['p0', 'p1', 'p2']);
      expect((await b.getParticipants()).every((p) => /\/_c_[0-9a-f-]{36}-lock-\d{10}$/.test(p.path))).toBe(true);
      for (const [i, next] of [[0, 'p1'], [1, 'p2']] as const) {
        turns.release(`p${i}`);
        await turns.waitFor((r) => r.kind === 'start' && r.id === next, 1, `${next} to start`);
      }
      turns.release('p2');
      await turns.waitFor((r) => r.kind === 'end' && r.id === 'p2', 1, 'p2 to end');
      expect(turns.describe()).toBe('p0:start p0:end p1:start p1:end p2:start p2:end');
      await childrenGone(await zk.client(), zk.path('/leader'));
      expect(await a.getParticipants()).toEqual([]);
      expect(turns.violations).toEqual([]);
      expectStrictlyIncreasing(turns.starts().map((r) => r.token));
    });

    it('autoRequeue: participants take turns again and again, never overlapping, with increasing fencing tokens', async () => {
      const turns = new Turns();
      await selector(turns, 'p0', { hold: false, autoRequeue: true });
      await selector(turns, 'p1', { hold: false, autoRequeue: true });
      await turns.waitFor((r) => r.kind === 'start', 8, '8 turns');
      const ids = turns.starts().slice(0, 8).map((r) => r.id);
      expect(new Set(ids)).toEqual(new Set(['p0', 'p1']));
      expect(turns.violations).toEqual([]);
      expectStrictlyIncreasing(turns.starts().map((r) => r.token));
    });

    it('requeue() without autoRequeue joins the line once more, behind those already waiting', async () => {
      const turns = new Turns();
      const a = await selector(turns, 'p0');
      await selector(turns, 'p1');
      await turns.waitFor((r) => r.kind === 'start', 1, 'p0 to start');
      expect(await a.requeue()).toBe(true);
      expect(await a.requeue()).toBe(false);
      turns.release('p0');
      await turns.waitFor((r) => r.kind === 'start' && r.id === 'p1', 1, 'p1 to start');
      expect((await a.getParticipants()).map((p) => p.id)).toEqual(['p1', 'p0']);
      turns.release('p1');
      await turns.waitFor((r) => r.kind === 'start' && r.id === 'p0', 2, 'p0 to lead again');
      expect(turns.describe()).toBe('p0:start p0:end p1:start p1:end p0:start');
      expect(await a.requeue()).toBe(true);
      turns.release('p0');
      await turns.waitFor((r) => r.kind === 'start' && r.id === 'p0', 3, 'p0 to lead a third time');
      expect(await a.requeue()).toBe(true);
      expect(turns.violations).toEqual([]);
    });

    it('interruptLeadership() fires the signal; the turn ends and the next one leads', async () => {
      const turns = new Turns();
      const a = await selector(turns, 'p0');
      await selector(turns, 'p1');
      await turns.waitFor((r) => r.kind === 'start' && r.id === 'p0', 1, 'p0 to start');
      a.interruptLeadership();
      await turns.waitFor((r) => r.kind === 'start' && r.id === 'p1', 1, 'p1 to start');
      expect(turns.describe()).toBe('p0:start p0:end(interrupted) p1:start');
      expect(a.hasLeadership()).toBe(false);
      expect(turns.violations).toEqual([]);
    });

    it("the leader's session expires: its signal fires (lost) and the next one leads; with autoRequeue it rejoins", async () => {
      const turns = new Turns();
      const client = await zk.client();
      await selector(turns, 'p0', { client, autoRequeue: true });
      const b = await selector(turns, 'p1');
      await turns.waitFor((r) => r.kind === 'start' && r.id === 'p0', 1, 'p0 to start');
      await expireSession(client, zk.connectString, WAIT_MS);
      await turns.waitFor((r) => r.kind === 'start' && r.id === 'p1', 1, 'p1 to start');
      expect(turns.describe()).toBe('p0:start p0:end(lost) p1:start');
      turns.release('p1');
      await turns.waitFor((r) => r.kind === 'start' && r.id === 'p0', 2, 'p0 to lead again in its new session');
      expect((await b.getParticipants()).map((p) => p.id)).toEqual(['p0']);
      expect(turns.violations).toEqual([]);
      expectStrictlyIncreasing(turns.starts().map((r) => r.token));
    });

    for (const policy of ['standard', 'session'] as const) {
      it(`suspended under errorPolicy '${policy}' ${policy === 'standard' ? 'cancels the turn (the default)' : 'lets the turn go on'}`, async () => {
        const proxy = await zk.proxy();
        const client = await zk.client({ connectString: proxy.connectString });
        const turns = new Turns();
        const a = await selector(turns, 'p0', { client, errorPolicy: policy });
        await turns.waitFor((r) => r.kind === 'start', 1, 'p0 to start');
        const states = new StateLog(client);
        proxy.pause();
        proxy.dropConnections();
        const suspendedAt = await states.waitFor('suspended');
        if (policy === 'standard') await turns.waitFor((r) => r.kind === 'end', 1, 'the turn to be cancelled');
        proxy.resume();
        await states.waitFor('reconnected', suspendedAt);
        if (policy === 'standard') {
          expect(turns.describe()).toBe('p0:start p0:end(lost)');
        } else {
          // The latch's recheck went out on 'reconnected', before this sync on the same connection.
          await client.sync('/');
          expect(turns.describe()).toBe('p0:start');
          expect(a.hasLeadership()).toBe(true);
          turns.release('p0');
          await turns.waitFor((r) => r.kind === 'end', 1, 'the turn to end');
          expect(turns.describe()).toBe('p0:start p0:end');
        }
      });
    }

    it('start() rejects when the node cannot be made (no CREATE permission)', async () => {
      const admin = await zk.client();
      await admin.create(zk.path('/leader'), null, { acl: READ_ACL_UNSAFE });
      const turns = new Turns();
      await expect(selector(turns, 'p0')).rejects.toBeInstanceOf(NoAuthError);
      expect(turns.records).toEqual([]);
    });

    it('close() while waiting: the callback never runs and the node is gone; close() while leading cancels the turn', async () => {
      const turns = new Turns();
      const a = await selector(turns, 'p0');
      const b = await selector(turns, 'p1');
      await selector(turns, 'p2');
      await turns.waitFor((r) => r.kind === 'start', 1, 'p0 to start');
      await b.close();
      expect((await a.getParticipants()).map((p) => p.id)).toEqual(['p0', 'p2']);
      await a.close();
      await turns.waitFor((r) => r.kind === 'start' && r.id === 'p2', 1, 'p2 to start');
      expect(turns.describe()).toBe('p0:start p0:end(closed) p2:start');
      expect(turns.violations).toEqual([]);
    });
  });
}
