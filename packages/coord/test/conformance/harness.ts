import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createClient, parseConnectString, type ClientOptions, type ConnectionState, type CoordClient, type Watcher, type WatchEvent } from '../../src/index.js';
import { startTcpProxy, type TcpProxy } from '../../src/testing/index.js';
import { requireAvailable, skipReason, type ConformanceTarget } from './target.js';

/** How long any single wait in the suite may take before the test fails with a message. */
export const WAIT_MS = 10_000;
/**
 * After a round trip that orders it, how long "no event" is awaited. Not synchronisation: the
 * round trip already guarantees that an event fired by an earlier change has been delivered; this
 * bounded wait only gives a misbehaving implementation a chance to show a late, wrong event.
 */
export const QUIET_MS = 50;

export interface HarnessOptions {
  /** The server's tickTime; sessions are clamped to [2, 20] ticks. Default 500. */
  readonly tickTimeMs?: number;
}

export interface ClientSpec extends ClientOptions {
  /** Connect through this connect string instead of the target's (e.g. a proxy's). */
  readonly connectString?: string;
  /** Appended to the connect string, e.g. '/app'. */
  readonly chroot?: string;
  /** Wait for the first connection (default true). */
  readonly connected?: boolean;
}

/** What one test file gets for one target: a running server, a fresh root per test, tracked clients. */
export interface TargetHarness {
  readonly target: ConformanceTarget;
  /** The server's connect string (valid inside tests and hooks). */
  readonly connectString: string;
  /** This test's own root node, created before the test: `/t-<n>-<random>`. */
  readonly root: string;
  /** `root + rel` (rel starts with '/'), or the root itself for ''. */
  path(rel?: string): string;
  /** A client, closed after the test; connected unless `connected: false`. */
  client(spec?: ClientSpec): Promise<CoordClient>;
  /** A TCP proxy in front of the server (its first host), closed after the test. */
  proxy(): Promise<TcpProxy>;
}

let rootCounter = 0;

/**
 * Registers the hooks for one target inside a `describe`: one server for the whole file
 * (beforeAll/afterAll), a unique root per test (beforeEach), and every client and proxy a test
 * made closed after it (afterEach). When the target is not installed and this is not CI, every
 * test is skipped with the reason.
 */
export function useTarget(target: ConformanceTarget, options: HarnessOptions = {}): TargetHarness {
  const reason = skipReason(target);
  let server: { connectString: string; stop(): Promise<void> } | undefined;
  let admin: CoordClient | undefined;
  let root: string | undefined;
  const clients: CoordClient[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    if (reason !== undefined) return;
    if (process.env['CI'] === 'true') requireAvailable(target);
    server = await target.start({ tickTimeMs: options.tickTimeMs ?? 500 });
    admin = createClient(server.connectString);
    await admin.waitForConnected({ timeoutMs: WAIT_MS });
  });

  afterAll(async () => {
    await admin?.close();
    admin = undefined;
    await server?.stop();
    server = undefined;
  });

  beforeEach(async (ctx) => {
    if (reason !== undefined) ctx.skip(reason);
    if (admin === undefined) throw new Error(`target ${target.name} did not start`);
    root = `/t-${++rootCounter}-${Math.random().toString(36).slice(2, 8)}`;
    await admin.create(root);
  });

  afterEach(async () => {
    const errors: unknown[] = [];
    // Let paused proxies flow so closeSession reaches the server, then close clients, then proxies.
    for (const p of proxies) p.resume();
    await Promise.all(clients.splice(0).map((c) => c.close().catch((err: unknown) => errors.push(err))));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    root = undefined;
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup after the test failed');
  });

  const running = (): { connectString: string } => {
    if (server === undefined) throw new Error(`target ${target.name} is not running`);
    return server;
  };

  return {
    target,
    get connectString() {
      return running().connectString;
    },
    get root() {
      if (root === undefined) throw new Error('root is only defined inside a test');
      return root;
    },
    path(rel = '') {
      return `${this.root}${rel}`;
    },
    async client(spec = {}) {
      const { connectString, chroot, connected, ...clientOptions } = spec;
      const client = createClient(`${connectString ?? running().connectString}${chroot ?? ''}`, clientOptions);
      clients.push(client);
      if (connected !== false) await client.waitForConnected({ timeoutMs: WAIT_MS });
      return client;
    },
    async proxy() {
      const first = parseConnectString(running().connectString).hosts[0];
      if (first === undefined) throw new Error('target connect string has no host');
      const proxy = await startTcpProxy(first);
      proxies.push(proxy);
      return proxy;
    },
  };
}

// --- waiting ------------------------------------------------------------------------------

/** Rejects with a message naming what was awaited when `promise` does not settle in time. */
export function within<T>(promise: Promise<T>, what: string | (() => string), timeoutMs = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it returns true (or a value other than false), failing after the deadline. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Orders "nothing more happened": a sync and a read on `client` go after every change made
 * before this call, and a server sends a connection's watch events before the reply of a later
 * request on it; so once the read returns, every event those changes fired has been delivered.
 * The short bounded wait afterwards only catches a late, wrong event; it is not what orders.
 */
export async function quiesce(client: CoordClient): Promise<void> {
  await client.sync('/');
  await client.exists('/');
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
}

/**
 * Records the events a watcher receives and lets a test await them in order. Use `watcher` for
 * one-shot watches and persistent handles alike.
 */
export class EventLog {
  readonly events: WatchEvent[] = [];
  private consumed = 0;
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  /** `name` labels timeout messages. */
  constructor(readonly name = 'watcher') {}

  readonly watcher: Watcher = (event) => {
    this.events.push(event);
    for (const w of [...this.waiters]) {
      if (this.events.length >= w.count) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  get count(): number {
    return this.events.length;
  }

  /** Resolves once at least `count` events have arrived in total. */
  waitForCount(count: number, timeoutMs = WAIT_MS): Promise<WatchEvent[]> {
    if (this.events.length >= count) return Promise.resolve(this.events.slice(0, count));
    const arrived = new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
    return within(arrived, () => `${count} watch event(s) at ${this.name} (got ${this.events.length}: ${this.describe()})`, timeoutMs).then(() => this.events.slice(0, count));
  }

  /** The next event not yet taken. */
  async next(timeoutMs = WAIT_MS): Promise<WatchEvent> {
    const events = await this.waitForCount(this.consumed + 1, timeoutMs);
    return events[this.consumed++] as WatchEvent;
  }

  /** The next `n` events not yet taken. */
  async take(n: number, timeoutMs = WAIT_MS): Promise<WatchEvent[]> {
    const events = await this.waitForCount(this.consumed + n, timeoutMs);
    const out = events.slice(this.consumed, this.consumed + n);
    this.consumed += n;
    return out;
  }

  /** Asserts (after ordering through `client`) that no event beyond those taken has arrived. */
  async expectNoMore(client: CoordClient): Promise<void> {
    await quiesce(client);
    if (this.events.length !== this.consumed) {
      throw new Error(`expected no further watch events, got ${JSON.stringify(this.events.slice(this.consumed).map(brief))}`);
    }
  }

  describe(): string {
    return JSON.stringify(this.events.map(brief));
  }
}

/**
 * Checks the zxid a server put on a watch notification. Apache ZooKeeper before 3.9 sends -1 for
 * every notification (NIOServerCnxn.process); 3.9 sends the zxid of the change. Either is
 * accepted; anything else must be the change's zxid.
 */
export function expectEventZxid(event: WatchEvent, zxid: bigint | undefined): void {
  if (event.zxid === -1n) return;
  expect(event.zxid, `zxid of ${event.type} ${event.path}`).toBe(zxid);
}

/** Orders events (or briefs) by path, code unit by code unit, for comparing unordered batches. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** An event without its zxid, for toEqual. */
export function brief(event: WatchEvent): { type: string; path: string } {
  return { type: event.type, path: event.path };
}

/** Every state a client goes through from now on, awaitable in order. */
export class StateLog {
  readonly states: ConnectionState[] = [];
  private readonly waiters: { state: ConnectionState; from: number; resolve: (index: number) => void }[] = [];

  constructor(client: CoordClient) {
    client.on('state', (state) => {
      this.states.push(state);
      for (const w of [...this.waiters]) {
        const index = this.states.indexOf(w.state, w.from);
        if (index >= 0) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(index);
        }
      }
    });
  }

  /** Resolves with the index of the first `state` recorded at or after `from`. */
  waitFor(state: ConnectionState, from = 0, timeoutMs = WAIT_MS): Promise<number> {
    const index = this.states.indexOf(state, from);
    if (index >= 0) return Promise.resolve(index);
    return within(new Promise<number>((resolve) => this.waiters.push({ state, from, resolve })), () => `state '${state}' (seen: ${this.states.join(' → ') || 'none'})`, timeoutMs);
  }
}

export const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
