/**
 * The client's failure machinery against the reference server (Apache ZooKeeper): a rejected
 * credential, watch re-registration after a dropped connection (SetWatches catch-up events,
 * SetWatches2 for persistent watches, batches past jute.maxbuffer), and session expiry.
 * Ordinary operations and watch semantics are the conformance suite's; this file is about what
 * happens around a reconnect.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthFailedError, createClient, NoNodeError, type ClientOptions, type CoordClient, type WatchEvent } from '../../src/index.js';
import { sessionOf } from '../../src/client/internal.js';
import {
  apacheZooKeeperAvailable,
  dropConnection,
  expireSession,
  startApacheZooKeeper,
  waitForState,
  type ApacheZooKeeper,
} from '../../src/testing/index.js';
import { nextEvent, Teardown, trackUncaught } from './fake-server.js';

const available = apacheZooKeeperAvailable();
if (!available) {
  if (process.env['CI'] === 'true') throw new Error('Apache ZooKeeper is required in CI: apt-get install -y zookeeper');
  console.warn('SKIPPING client-apache tests: Apache ZooKeeper not installed (apt-get install -y zookeeper, or set ZOOKEEPER_HOME)');
}

// Sessions may be 1..10 s with a 500 ms tick.
const TICK_MS = 500;
const SESSION_MS = 4_000;

describe.skipIf(!available)('client machinery against Apache ZooKeeper', () => { // requires Apache ZooKeeper; skips only outside CI
  let zk: ApacheZooKeeper;
  let admin: CoordClient;
  const teardown = new Teardown();
  let uncaught: ReturnType<typeof trackUncaught>;
  let n = 0;

  beforeAll(async () => {
    zk = await startApacheZooKeeper({ tickTimeMs: TICK_MS });
    admin = createClient(zk.connectString, { sessionTimeoutMs: SESSION_MS });
    await admin.waitForConnected({ timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await admin?.close();
    await zk?.stop();
  });

  beforeEach(() => {
    uncaught = trackUncaught();
  });

  afterEach(async () => {
    await teardown.run();
    uncaught.dispose();
    expect(uncaught.errors).toEqual([]);
  });

  /** A fresh chroot per test, so tests never see each other's nodes. */
  async function chroot(): Promise<string> {
    const root = `/client-apache-${++n}`;
    await admin.create(root);
    return root;
  }

  function clientAt(root: string, options: ClientOptions = {}): CoordClient {
    return teardown.add(createClient(`${zk.connectString}${root}`, { sessionTimeoutMs: SESSION_MS, reconnectBackoff: { baseMs: 10, maxMs: 50 }, ...options }));
  }

  /** Drops the connection and keeps the client away until the returned function is called. */
  async function holdDisconnected(client: CoordClient): Promise<() => void> {
    const release = sessionOf(client).holdReconnects();
    const suspended = waitForState(client, 'suspended', 10_000);
    dropConnection(client);
    await suspended;
    return release;
  }

  it('an unknown auth scheme: addAuth rejects with AuthFailedError, error fires, the session recovers', async () => {
    const root = await chroot();
    const client = clientAt(root);
    await client.waitForConnected({ timeoutMs: 10_000 });
    const sessionId = client.sessionId;
    const errorEvent = nextEvent<Error>((l) => client.on('error', l), (l) => client.off('error', l), 10_000, "'error' event");
    const reconnected = waitForState(client, 'reconnected', 10_000);

    await expect(client.addAuth('no-such-scheme', 'whatever')).rejects.toBeInstanceOf(AuthFailedError);
    expect(await errorEvent).toBeInstanceOf(AuthFailedError);
    // ZooKeeper hangs up after a failed auth; the session itself lives on.
    await reconnected;
    expect(client.sessionId).toBe(sessionId);
    await client.create('/after', 'ok');
    expect(Buffer.from((await client.getData('/after')).data).toString()).toBe('ok');
    // A good credential still works on the recovered session.
    await client.addAuth('digest', 'user:pw');
    expect(await client.whoAmI()).toContainEqual({ scheme: 'digest', user: 'user' });
  });

  it('one-shot watches set before a drop get their catch-up events from SetWatches (chroot applied)', async () => {
    const root = await chroot();
    await admin.create(`${root}/data`, 'v1');
    await admin.create(`${root}/parent`);
    const client = clientAt(root);
    await client.waitForConnected({ timeoutMs: 10_000 });
    const events: WatchEvent[] = [];
    const watch = (e: WatchEvent) => void events.push(e);
    await client.getData('/data', { watch });
    await client.exists('/created-later', { watch });
    await client.getChildren('/parent', { watch });

    const release = await holdDisconnected(client);
    await admin.setData(`${root}/data`, 'v2');
    await admin.create(`${root}/created-later`);
    await admin.create(`${root}/parent/child`);
    release();
    await waitForState(client, 'reconnected', 10_000);

    await expect
      .poll(() => events.map((e) => `${e.type} ${e.path}`).sort(), { timeout: 10_000 })
      .toEqual(['NodeChildrenChanged /parent', 'NodeCreated /created-later', 'NodeDataChanged /data']);
  });

  it('persistent recursive watches survive a drop (SetWatches2) and see changes made afterwards', async () => {
    const root = await chroot();
    await admin.create(`${root}/tree`);
    const client = clientAt(root);
    await client.waitForConnected({ timeoutMs: 10_000 });
    const events: string[] = [];
    await client.addWatch('/tree', 'PERSISTENT_RECURSIVE', (e) => events.push(`${e.type} ${e.path}`));

    const release = await holdDisconnected(client);
    release();
    await waitForState(client, 'reconnected', 10_000);
    // SetWatches2 went out before this request on the same connection, and the server handles a
    // connection's requests in order: once this reply is in, the watch is registered again.
    // ('reconnected' alone does not say so; the admin's writes travel on another connection.)
    await client.exists('/tree');
    await admin.create(`${root}/tree/a`);
    await admin.create(`${root}/tree/a/b`);
    await expect.poll(() => events, { timeout: 10_000 }).toEqual(['NodeCreated /tree/a', 'NodeCreated /tree/a/b']);
  });

  it('re-registers more watches than fit in one jute.maxbuffer frame', async () => {
    const root = await chroot();
    const client = clientAt(root);
    await client.waitForConnected({ timeoutMs: 10_000 });
    // 5,000 paths of 240 characters: 1.2 MB of paths, above the server's 1 MB frame limit.
    const paths = Array.from({ length: 5_000 }, (_, i) => `/${'w'.repeat(232)}-${String(i).padStart(6, '0')}`);
    const fired = new Set<string>();
    await Promise.all(paths.map((p) => client.exists(p, { watch: (e) => fired.add(e.path) })));

    const release = await holdDisconnected(client);
    release();
    await waitForState(client, 'reconnected', 10_000);
    // The connection survived the replay: a request on it works.
    await expect(client.getData('/nothing-here')).rejects.toBeInstanceOf(NoNodeError);
    const first = paths[0] as string;
    const last = paths.at(-1) as string;
    await admin.create(`${root}${first}`);
    await admin.create(`${root}${last}`);
    await expect.poll(() => [fired.has(first), fired.has(last)], { timeout: 10_000 }).toEqual([true, true]);
    expect(client.state).toBe('reconnected');
  });

  it('session expiry: lost, then a new session that works; the old ephemeral is gone', async () => {
    const root = await chroot();
    const client = clientAt(root);
    await client.waitForConnected({ timeoutMs: 10_000 });
    const oldSession = client.sessionId;
    await client.create('/eph', null, { mode: 'EPHEMERAL' });

    await expireSession(client, zk.connectString, 15_000);
    expect(client.state).toBe('lost');
    await waitForState(client, 'reconnected', 10_000);
    expect(client.sessionId).not.toBe(0n);
    expect(client.sessionId).not.toBe(oldSession);
    expect(await client.exists('/eph')).toBeNull();
    await client.create('/eph', null, { mode: 'EPHEMERAL' });
    expect((await client.exists('/eph'))?.ephemeralOwner).toBe(client.sessionId);
  });
});
