import { describe, expect, it } from 'vitest';
import { BadVersionError, NodeExistsError } from '../../../src/index.js';
import { ConfigCentre, parseJson, type ConfigVersion } from '../../../src/recipes/config/index.js';
import { dropConnection, expireSession } from '../../../src/testing/index.js';
import { useTarget, within } from '../harness.js';
import { targets } from '../target.js';

interface DbConfig {
  readonly url: string;
  readonly pool: number;
}

function parseDb(data: Uint8Array): DbConfig {
  const raw = parseJson(data) as { url?: unknown; pool?: unknown };
  if (typeof raw.url !== 'string' || typeof raw.pool !== 'number') throw new TypeError('not a DbConfig');
  return { url: raw.url, pool: raw.pool };
}

/** Records every delivery and lets a test await one that matches. */
class Deliveries<T> {
  readonly seen: (ConfigVersion<T> | null)[] = [];
  private waiters: { want: (c: ConfigVersion<T> | null) => boolean; resolve: () => void }[] = [];
  readonly onChange = (c: ConfigVersion<T> | null): void => {
    this.seen.push(c);
    for (const w of [...this.waiters]) {
      if (!w.want(c)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  waitFor(want: (c: ConfigVersion<T> | null) => boolean, what: string): Promise<void> {
    const last = this.seen[this.seen.length - 1];
    if (this.seen.length > 0 && last !== undefined && want(last)) return Promise.resolve();
    return within(new Promise<void>((resolve) => this.waiters.push({ want, resolve })), () => `${what} (seen ${JSON.stringify(this.seen, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))})`);
  }
  /** Versions delivered strictly increase (coalescing may skip some, never repeat or go back). */
  expectOrdered(): void {
    const zxids = this.seen.filter((c): c is ConfigVersion<T> => c !== null).map((c) => c.mzxid);
    for (let i = 1; i < zxids.length; i++) expect(zxids[i] as bigint > (zxids[i - 1] as bigint)).toBe(true);
  }
}

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    it('publishes versioned documents; a subscriber gets the initial state and each change, typed', async () => {
      const [pub, sub] = [await zk.client(), await zk.client()];
      const publisher = new ConfigCentre(pub, { basePath: zk.path('/config') });
      const subscriber = new ConfigCentre(sub, { basePath: zk.path('/config') });
      const log = new Deliveries<DbConfig>();
      const errors: unknown[] = [];
      const s = await subscriber.subscribe('db', { parse: parseDb, onChange: log.onChange, onError: (e) => errors.push(e) });
      expect(log.seen).toEqual([null]);

      const first = await publisher.publish('db', { url: 'pg://a', pool: 1 });
      expect(first.version).toBe(0);
      await log.waitFor((c) => c?.value.url === 'pg://a', 'first publish');
      expect(s.current).toMatchObject({ value: { url: 'pg://a', pool: 1 }, version: 0 });

      expect((await publisher.publish('db', { url: 'pg://b', pool: 2 })).version).toBe(1);
      await log.waitFor((c) => c?.value.url === 'pg://b', 'second publish');
      // Compare-and-set publishing.
      await expect(publisher.publish('db', { url: 'pg://x', pool: 0 }, { expectedVersion: 0 })).rejects.toBeInstanceOf(BadVersionError);
      await expect(publisher.publish('db', { url: 'pg://x', pool: 0 }, { expectedVersion: -1 })).rejects.toBeInstanceOf(NodeExistsError);
      expect((await publisher.publish('db', { url: 'pg://c', pool: 3 }, { expectedVersion: 1 })).version).toBe(2);
      await log.waitFor((c) => c?.value.url === 'pg://c', 'CAS publish');

      // A document that does not parse goes to onError; the last good value stays.
      await publisher.publish('db', { nonsense: true });
      await publisher.publish('db', { url: 'pg://d', pool: 4 });
      await log.waitFor((c) => c?.value.url === 'pg://d', 'publish after a bad one');
      expect(log.seen.filter((c) => c !== null && c.value.url === 'pg://x')).toEqual([]);

      await publisher.unpublish('db');
      await log.waitFor((c) => c === null, 'unpublish');
      expect(await publisher.read('db')).toBeNull();
      log.expectOrdered();
      // Bytes are stored as they are.
      await publisher.publish('raw', new Uint8Array([1, 2, 3]));
      expect(await publisher.read('raw', (d) => [...d])).toMatchObject({ value: [1, 2, 3], version: 0 });
      await s.close();
      await Promise.all([publisher.close(), subscriber.close()]);
    });

    it('a subscription catches up after a dropped connection and after session expiry, and keeps following', async () => {
      const pub = await zk.client();
      const sub = await zk.client({ sessionTimeoutMs: 4_000 });
      const publisher = new ConfigCentre(pub, { basePath: zk.path('/config') });
      const subscriber = new ConfigCentre(sub, { basePath: zk.path('/config') });
      await publisher.publish('flags', { n: 0 });
      const log = new Deliveries<{ n: number }>();
      await subscriber.subscribe('flags', { parse: (d) => parseJson(d) as { n: number }, onChange: log.onChange });
      expect(log.seen.map((c) => c?.value.n)).toEqual([0]);

      // Changes while the subscriber is away are seen once it is back (maybe coalesced).
      const proxy = await zk.proxy();
      const viaProxy = await zk.client({ connectString: proxy.connectString, sessionTimeoutMs: 10_000 });
      const log2 = new Deliveries<{ n: number }>();
      const proxied = new ConfigCentre(viaProxy, { basePath: zk.path('/config') });
      await proxied.subscribe('flags', { parse: (d) => parseJson(d) as { n: number }, onChange: log2.onChange });
      proxy.pause();
      dropConnection(viaProxy);
      await publisher.publish('flags', { n: 1 });
      await publisher.publish('flags', { n: 2 });
      proxy.resume();
      await log2.waitFor((c) => c?.value.n === 2, 'proxied subscriber to catch up after a drop');
      log2.expectOrdered();

      dropConnection(sub);
      await publisher.publish('flags', { n: 3 });
      await log.waitFor((c) => c?.value.n === 3, 'subscriber to see n=3 after a drop');

      await expireSession(sub, zk.connectString);
      await publisher.publish('flags', { n: 4 });
      await log.waitFor((c) => c?.value.n === 4, 'subscriber to see n=4 after session loss');
      // Re-subscribed in the new session: later changes still arrive.
      await publisher.publish('flags', { n: 5 });
      await log.waitFor((c) => c?.value.n === 5, 'subscriber to see n=5 through the new watch');
      log.expectOrdered();
      await Promise.all([publisher.close(), subscriber.close(), proxied.close()]);
    });
  });
}
