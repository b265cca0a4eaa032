import { afterEach, describe, expect, it } from 'vitest';
import { NoAuthError, NoNodeError, READ_ACL_UNSAFE, type CoordClient } from '../../../src/index.js';
import { LeaderLatch, type LeaderLatchOptions } from '../../../src/recipes/leader/index.js';
import { dropConnection, expireSession } from '../../../src/testing/index.js';
import { eventually, StateLog, useTarget, utf8, within, WAIT_MS } from '../harness.js';
import { targets } from '../target.js';

/** Lets pending socket writes and callbacks run once (not a wait for an outcome). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Transition {
  readonly id: string;
  readonly kind: 'isLeader' | 'notLeader';
  readonly token: bigint | undefined;
  readonly atMs: number;
}

/**
 * One log of every latch's isLeader/notLeader, in the order they happened in this process. It
 * checks "one leader at a time" as it goes: an isLeader while another participant leads is
 * recorded as a violation.
 */
class LeaderLog {
  readonly transitions: Transition[] = [];
  readonly violations: string[] = [];
  private readonly leaders = new Set<string>();
  private readonly waiters: { check: () => boolean; resolve: () => void }[] = [];

  attach(latch: LeaderLatch): LeaderLatch {
    const id = latch.participantId;
    latch.on('isLeader', (grant) => {
      if (this.leaders.size > 0) this.violations.push(`${id} became leader while ${[...this.leaders].join(', ')} led`);
      this.leaders.add(id);
      this.push({ id, kind: 'isLeader', token: grant.fencingToken, atMs: performance.now() });
    });
    latch.on('notLeader', () => {
      this.leaders.delete(id);
      this.push({ id, kind: 'notLeader', token: undefined, atMs: performance.now() });
    });
    return latch;
  }

  /** A leader that closes silently leaves the log without a notLeader: record its end. */
  left(id: string): void {
    this.leaders.delete(id);
  }

  /** Resolves with the first transition at or after index `from` that matches. */
  async next(match: (t: Transition) => boolean, from: number, what: string): Promise<Transition> {
    const find = (): Transition | undefined => this.transitions.slice(from).find(match);
    await within(
      new Promise<void>((resolve) => {
        if (find() !== undefined) resolve();
        else this.waiters.push({ check: () => find() !== undefined, resolve });
      }),
      () => `${what} (log: ${this.describe()})`,
    );
    return find() as Transition;
  }

  leaderTokens(): bigint[] {
    return this.transitions.filter((t) => t.kind === 'isLeader').map((t) => t.token as bigint);
  }

  describe(): string {
    return this.transitions.map((t) => `${t.id}:${t.kind}`).join(' ');
  }

  private push(t: Transition): void {
    this.transitions.push(t);
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }
}

const PROTECTED_LATCH = /^_c_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-latch-\d{10}$/;

function expectStrictlyIncreasing(tokens: readonly bigint[]): void {
  for (let i = 1; i < tokens.length; i++) expect(tokens[i] as bigint, `token ${i} of ${tokens.join(', ')}`).toBeGreaterThan(tokens[i - 1] as bigint);
}

for (const target of targets) {
  describe(`${target.name}: LeaderLatch`, () => {
    const zk = useTarget(target);
    const latches: LeaderLatch[] = [];
    const clients = new Map<LeaderLatch, CoordClient>();

    // Registered after useTarget: runs before the harness closes the clients.
    afterEach(async () => {
      await within(Promise.all(latches.splice(0).map((l) => l.close())), 'latches to close');
      clients.clear();
    });

    function latch(client: CoordClient, id: string, options: Omit<LeaderLatchOptions, 'participantId'> = {}): LeaderLatch {
      const l = new LeaderLatch(client, zk.path('/latch'), { participantId: id, ...options });
      latches.push(l);
      clients.set(l, client);
      return l;
    }

    /** N clients, one latch each, all started (start resolves once the node is in line). */
    async function contenders(n: number, log: LeaderLog): Promise<LeaderLatch[]> {
      const out: LeaderLatch[] = [];
      for (let i = 0; i < n; i++) {
        const l = log.attach(latch(await zk.client(), `p${i}`));
        await l.start();
        out.push(l);
      }
      return out;
    }

    it('elects exactly one leader among N; the node is a protected EPHEMERAL_SEQUENTIAL holding the participant id', async () => {
      const log = new LeaderLog();
      const all = await contenders(5, log);
      await log.next((t) => t.kind === 'isLeader', 0, 'a leader');
      expect(all.filter((l) => l.hasLeadership()).map((l) => l.participantId)).toEqual(['p0']);
      expect(await all[3]?.await({ timeoutMs: 0 })).toBe(false);
      expect(await all[0]?.await()).toBe(true);

      const participants = await (all[4] as LeaderLatch).getParticipants();
      expect(participants.map((p) => p.id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
      expect(participants.map((p) => p.isLeader)).toEqual([true, false, false, false, false]);
      expect((await (all[2] as LeaderLatch).getLeader())?.id).toBe('p0');
      for (const [i, l] of all.entries()) {
        const path = l.path as string;
        expect(path.slice(zk.path('/latch').length + 1)).toMatch(PROTECTED_LATCH);
        const admin = await zk.client();
        const { data, stat } = await admin.getData(path);
        expect(utf8(data)).toBe(`p${i}`);
        expect(stat.ephemeralOwner).not.toBe(0n);
      }
      expect(log.violations).toEqual([]);
    });

    it('hands over on graceful close to the next in line, one leader at a time, with strictly increasing fencing tokens', async () => {
      const log = new LeaderLog();
      const all = await contenders(4, log);
      await log.next((t) => t.kind === 'isLeader' && t.id === 'p0', 0, 'p0 to lead');
      const failoverMs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const from = log.transitions.length;
        const t0 = performance.now();
        await (all[i] as LeaderLatch).close({ mode: 'notifyLeader' });
        const next = await log.next((t) => t.kind === 'isLeader', from, `p${i + 1} to lead after p${i} closed`);
        failoverMs.push(next.atMs - t0);
        expect(next.id).toBe(`p${i + 1}`);
        expect(log.transitions.slice(from, from + 1).map((t) => `${t.id}:${t.kind}`)).toEqual([`p${i}:notLeader`]);
      }
      expect(log.describe()).toBe('p0:isLeader p0:notLeader p1:isLeader p1:notLeader p2:isLeader p2:notLeader p3:isLeader');
      expect(log.violations).toEqual([]);
      expectStrictlyIncreasing(log.leaderTokens());
      console.log(`[leader-latch] ${target.name}: graceful failover (close → next isLeader) ms: ${failoverMs.map((m) => m.toFixed(1)).join(', ')}`);
    });

    it('herd-free: a leader change wakes only the next in line (each waiter watches its predecessor)', async () => {
      const log = new LeaderLog();
      const all = await contenders(6, log);
      await log.next((t) => t.id === 'p0' && t.kind === 'isLeader', 0, 'p0 to lead');
      const reads = all.map(() => 0);
      for (const [i, l] of all.entries()) {
        const client = clients.get(l) as CoordClient;
        const getChildren = client.getChildren.bind(client);
        client.getChildren = (...args: Parameters<CoordClient['getChildren']>) => {
          reads[i] = (reads[i] as number) + 1;
          return getChildren(...args);
        };
      }
      await (all[0] as LeaderLatch).close();
      log.left('p0');
      await log.next((t) => t.id === 'p1' && t.kind === 'isLeader', 0, 'p1 to lead');
      // Any watch the delete fired was delivered before each client's sync reply.
      for (const l of all.slice(1)) await (clients.get(l) as CoordClient).sync('/');
      expect(reads).toEqual([0, 1, 0, 0, 0, 0]);
    });

    it('a silent close emits no notLeader; await() on a closed latch resolves false', async () => {
      const log = new LeaderLog();
      const [a, b] = await contenders(2, log);
      await log.next((t) => t.id === 'p0' && t.kind === 'isLeader', 0, 'p0 to lead');
      await (a as LeaderLatch).close();
      log.left('p0');
      await log.next((t) => t.id === 'p1' && t.kind === 'isLeader', 0, 'p1 to lead');
      expect(log.describe()).toBe('p0:isLeader p1:isLeader');
      expect((a as LeaderLatch).hasLeadership()).toBe(false);
      expect(await (a as LeaderLatch).await()).toBe(false);
      expect(await (b as LeaderLatch).getParticipants()).toHaveLength(1);
    });

    it("the leader's session expires: it sees notLeader, the next one leads, and it rejoins at the back with a new node", async () => {
      const log = new LeaderLog();
      const all = await contenders(3, log);
      const [a] = all as [LeaderLatch, LeaderLatch, LeaderLatch];
      await log.next((t) => t.id === 'p0' && t.kind === 'isLeader', 0, 'p0 to lead');
      const oldPath = a.path;
      const client = clients.get(a) as CoordClient;
      await expireSession(client, zk.connectString, WAIT_MS);
      await log.next((t) => t.id === 'p0' && t.kind === 'notLeader', 0, 'p0 to hear notLeader');
      await log.next((t) => t.id === 'p1' && t.kind === 'isLeader', 0, 'p1 to lead');
      // p0 comes back in its new session with a new node, behind p2.
      let ids: string[] = [];
      await eventually(async () => {
        ids = (await (all[1] as LeaderLatch).getParticipants()).map((p) => p.id);
        return ids.length === 3;
      }, 'p0 to rejoin');
      expect(ids).toEqual(['p1', 'p2', 'p0']);
      expect(a.path).not.toBe(oldPath);
      expect(log.violations).toEqual([]);
      expectStrictlyIncreasing(log.leaderTokens());
    });

    for (const policy of ['standard', 'session'] as const) {
      it(`suspended under errorPolicy '${policy}': ${policy === 'standard' ? 'leadership dropped, then regained on reconnected' : 'leadership kept'}`, async () => {
        const proxy = await zk.proxy();
        const client = await zk.client({ connectString: proxy.connectString });
        const log = new LeaderLog();
        const a = log.attach(latch(client, 'p0', { errorPolicy: policy }));
        await a.start();
        const b = log.attach(latch(await zk.client(), 'p1'));
        await b.start();
        await log.next((t) => t.id === 'p0' && t.kind === 'isLeader', 0, 'p0 to lead');
        const token = a.leadership?.fencingToken;
        const sessionId = client.sessionId;
        const states = new StateLog(client);
        proxy.pause();
        proxy.dropConnections();
        const suspendedAt = await states.waitFor('suspended');
        expect(a.hasLeadership()).toBe(policy === 'session');
        proxy.resume();
        await states.waitFor('reconnected', suspendedAt);
        expect(client.sessionId).toBe(sessionId);
        if (policy === 'standard') {
          await log.next((t) => t.id === 'p0' && t.kind === 'isLeader', 1, 'p0 to lead again');
          expect(log.describe()).toBe('p0:isLeader p0:notLeader p0:isLeader');
          expect(a.leadership?.fencingToken).toBe(token);
        } else {
          // The latch queued its recheck (a getChildren) on 'reconnected', before this sync went
          // out on the same connection, so by the sync's reply the recheck has been answered.
          await client.sync('/');
          expect(await a.await({ timeoutMs: 0 })).toBe(true);
          expect(log.describe()).toBe('p0:isLeader');
        }
        expect(b.hasLeadership()).toBe(false);
        expect(log.violations).toEqual([]);
      });
    }

    it('close() while waiting leaves the line without disturbing the leader', async () => {
      const log = new LeaderLog();
      const [a, b, c] = (await contenders(3, log)) as [LeaderLatch, LeaderLatch, LeaderLatch];
      await log.next((t) => t.id === 'p0' && t.kind === 'isLeader', 0, 'p0 to lead');
      const waiting = b.await();
      await b.close();
      expect(await waiting).toBe(false);
      expect((await a.getParticipants()).map((p) => p.id)).toEqual(['p0', 'p2']);
      await a.close();
      await log.next((t) => t.id === 'p2' && t.kind === 'isLeader', 0, 'p2 to lead');
      expect(c.hasLeadership()).toBe(true);
      expect(log.describe()).toBe('p0:isLeader p2:isLeader');
    });

    it('start() rejects (and closes the latch) when the node cannot be made for a reason other than the connection', async () => {
      const admin = await zk.client();
      await admin.create(zk.path('/latch'), null, { acl: READ_ACL_UNSAFE });
      const a = latch(await zk.client(), 'p0');
      await expect(a.start()).rejects.toBeInstanceOf(NoAuthError);
      expect(a.hasLeadership()).toBe(false);
      expect(await a.await()).toBe(false);
    });

    it('await(): times out with false, rejects with the abort reason, resolves true on leadership', async () => {
      const log = new LeaderLog();
      const [a, b] = (await contenders(2, log)) as [LeaderLatch, LeaderLatch];
      expect(await b.await({ timeoutMs: 50 })).toBe(false);
      const controller = new AbortController();
      const aborted = b.await({ signal: controller.signal });
      const reason = new Error('caller gave up');
      controller.abort(reason);
      await expect(aborted).rejects.toBe(reason);
      await expect(b.await({ signal: controller.signal })).rejects.toBe(reason);
      const becomes = b.await({ timeoutMs: WAIT_MS, signal: new AbortController().signal });
      await a.close();
      expect(await becomes).toBe(true);
    });

    it('a connection drop during the create does not make a second participant (protected create)', async () => {
      const proxy = await zk.proxy();
      const client = await zk.client({ connectString: proxy.connectString });
      const states = new StateLog(client);
      // The parent exists, so the first create can succeed on the server.
      const admin = await zk.client();
      await admin.create(zk.path('/latch'));
      const log = new LeaderLog();
      const a = log.attach(latch(client, 'p0'));
      const creates: string[] = [];
      const create = client.create.bind(client);
      client.create = async (...args: Parameters<CoordClient['create']>) => {
        try {
          const made = await create(...args);
          creates.push('ok');
          return made;
        } catch (err) {
          creates.push(err instanceof Error ? err.name : String(err));
          throw err;
        }
      };
      // The create goes out into the paused proxy; the client's socket is then dropped, so the
      // request reaches the server on resume but its reply has nowhere to go.
      proxy.pause();
      const started = a.start();
      await turn();
      dropConnection(client);
      await states.waitFor('suspended');
      proxy.resume();
      await within(started, 'the latch to start after the reconnect');
      await log.next((t) => t.id === 'p0' && t.kind === 'isLeader', 0, 'p0 to lead');
      await admin.sync('/');
      const children = await admin.getChildren(zk.path('/latch'));
      expect(children).toHaveLength(1);
      expect(`${zk.path('/latch')}/${children[0] as string}`).toBe(a.path);
      expect((await a.getParticipants()).map((p) => p.id)).toEqual(['p0']);
      // The one create lost its reply and was found again, not repeated.
      expect(creates).toEqual(['ConnectionLossError']);
    });

    it("the grant's check op fences the caller's multi: it commits while the grant holds, fails after it ends", async () => {
      const log = new LeaderLog();
      const [a] = (await contenders(2, log)) as [LeaderLatch, LeaderLatch];
      const grant = a.leadership;
      if (grant === undefined) throw new Error('p0 should lead');
      const client = clients.get(a) as CoordClient;
      await client.create(zk.path('/resource'));
      await grant.checkOp(client.multi()).setData(zk.path('/resource'), 'by p0').commit();
      expect(grant.fencingToken).toBe((await client.exists(a.path as string))?.czxid);
      await a.close();
      await expect(grant.checkOp(client.multi()).setData(zk.path('/resource'), 'stale').commit()).rejects.toBeInstanceOf(NoNodeError);
      expect(utf8((await client.getData(zk.path('/resource'))).data)).toBe('by p0');
    });

    it('crash failover: the leader is cut off (4 s session) and the next one leads once the server expires it', async () => {
      const proxy = await zk.proxy();
      const crashed = await zk.client({ connectString: proxy.connectString, sessionTimeoutMs: 4000 });
      const log = new LeaderLog();
      const a = log.attach(latch(crashed, 'p0'));
      await a.start();
      const b = log.attach(latch(await zk.client({ sessionTimeoutMs: 4000 }), 'p1'));
      await b.start();
      await log.next((t) => t.id === 'p0' && t.kind === 'isLeader', 0, 'p0 to lead');
      const from = log.transitions.length;
      const t0 = performance.now();
      proxy.pause();
      const next = await log.next((t) => t.id === 'p1' && t.kind === 'isLeader', from, 'p1 to lead after p0 crashed');
      const failoverMs = next.atMs - t0;
      // The cut-off leader gave up on its own (suspended → notLeader, standard policy) before the server let p1 lead.
      const dropped = log.transitions.find((t) => t.id === 'p0' && t.kind === 'notLeader');
      expect(dropped).toBeDefined();
      expect((dropped as Transition).atMs).toBeLessThan(next.atMs);
      expect(log.violations).toEqual([]);
      expectStrictlyIncreasing(log.leaderTokens());
      console.log(`[leader-latch] ${target.name}: crash failover (4 s session, cut off → next isLeader) ms: ${failoverMs.toFixed(0)} (negotiated ${crashed.negotiatedTimeoutMs} ms)`);
      proxy.resume();
    });
  });
}
