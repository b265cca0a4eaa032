import { describe, expect, it } from 'vitest';
import { ManualClock, type CoordClient } from '../../../src/index.js';
import {
  RandomStrategy,
  RoundRobinStrategy,
  ServiceDiscovery,
  serviceInstance,
  StickyStrategy,
  type ServiceCache,
  type ServiceInstance,
} from '../../../src/recipes/discovery/index.js';
import { dropConnection, expireSession } from '../../../src/testing/index.js';
import { eventually, useTarget, within } from '../harness.js';
import { targets } from '../target.js';

interface Payload {
  readonly zone: string;
}

/** Resolves once the cache reports a list satisfying `want`. */
function cacheShows<P>(cache: ServiceCache<P>, want: (ids: string[]) => boolean, what: string): Promise<void> {
  if (want(cache.getInstances().map((i) => i.id))) return Promise.resolve();
  return within(
    new Promise<void>((resolve) => {
      const listener = (instances: readonly ServiceInstance<P>[]): void => {
        if (!want(instances.map((i) => i.id))) return;
        cache.off('change', listener);
        resolve();
      };
      cache.on('change', listener);
    }),
    what,
  );
}

/** Resolves when `discovery` next reports a (re-)registration of `id`. */
function registered<P>(discovery: ServiceDiscovery<P>, id: string): Promise<string> {
  return within(
    new Promise<string>((resolve) => {
      const listener = (instance: ServiceInstance<P>, path: string): void => {
        if (instance.id !== id) return;
        discovery.off('registered', listener);
        resolve(path);
      };
      discovery.on('registered', listener);
    }),
    `re-registration of ${id}`,
  );
}

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    async function discoveryOn(client: CoordClient): Promise<ServiceDiscovery<Payload>> {
      const d = new ServiceDiscovery<Payload>(client, { basePath: zk.path('/services') });
      await d.start();
      return d;
    }

    it('registers instances as JSON with the mode of their service type; queries and unregisters', async () => {
      const client = await zk.client();
      const observer = await zk.client();
      const d = await discoveryOn(client);
      const q = await discoveryOn(observer);
      const dyn = serviceInstance<Payload>({ name: 'api', id: 'a1', address: '10.0.0.1', port: 8080, payload: { zone: 'eu' }, uriSpec: '{scheme}://{address}:{port}' });
      const stat = serviceInstance<Payload>({ name: 'api', id: 'a2', address: '10.0.0.2', port: 8080, serviceType: 'STATIC' });
      const seq = serviceInstance<Payload>({ name: 'jobs', id: 'j-', serviceType: 'DYNAMIC_SEQUENTIAL' });
      await d.registerService(dyn);
      await d.registerService(stat);
      await d.registerService(seq);

      expect((await observer.exists(d.pathFor('api', 'a1')))?.ephemeralOwner).toBe(client.sessionId);
      expect((await observer.exists(d.pathFor('api', 'a2')))?.ephemeralOwner).toBe(0n);
      const jobs = await observer.getChildren(d.pathFor('jobs'));
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatch(/^j-\d{10}$/);
      const raw = JSON.parse(new TextDecoder().decode((await observer.getData(d.pathFor('api', 'a1'))).data)) as Record<string, unknown>;
      expect(raw).toMatchObject({ name: 'api', id: 'a1', address: '10.0.0.1', port: 8080, payload: { zone: 'eu' }, serviceType: 'DYNAMIC', enabled: true });

      expect(await q.queryForNames()).toEqual(['api', 'jobs']);
      expect(await q.queryForInstances('api')).toEqual([dyn, stat]);
      expect(await q.queryForInstance('api', 'a1')).toEqual(dyn);
      expect(await q.queryForInstance('api', 'nope')).toBeNull();
      expect(await q.queryForInstances('nope')).toEqual([]);

      const updated = { ...dyn, port: 9090 };
      await d.updateService(updated);
      expect((await q.queryForInstance('api', 'a1'))?.port).toBe(9090);

      await d.unregisterService(stat);
      expect((await q.queryForInstances('api')).map((i) => i.id)).toEqual(['a1']);
      // close() unregisters the rest, as Curator does.
      await d.close();
      expect(await q.queryForInstances('api')).toEqual([]);
      expect(await observer.getChildren(d.pathFor('jobs')).catch(() => [])).toEqual([]);
      await q.close();
    });

    it('ephemeral instances vanish with the session and are re-registered in the new one; a cache follows', async () => {
      const owner = await zk.client({ sessionTimeoutMs: 4_000 });
      const watcherClient = await zk.client();
      const d = await discoveryOn(owner);
      const w = await discoveryOn(watcherClient);
      const cache = w.serviceCache('api');
      await cache.start();
      const inst = serviceInstance<Payload>({ name: 'api', id: 'x', port: 1 });
      await d.registerService(inst);
      await cacheShows(cache, (ids) => ids.includes('x'), 'cache to show x');
      const oldSession = owner.sessionId;

      const back = registered(d, 'x');
      const gone = cacheShows(cache, (ids) => !ids.includes('x'), 'cache to lose x when the session expires');
      await expireSession(owner, zk.connectString);
      await gone;
      await back;
      await cacheShows(cache, (ids) => ids.includes('x'), 'cache to show x again');
      const stat = await watcherClient.exists(d.pathFor('api', 'x'));
      expect(stat?.ephemeralOwner).toBe(owner.sessionId);
      expect(owner.sessionId).not.toBe(oldSession);

      // A dropped connection keeps the session: the node stays, nothing is re-created.
      const before = await watcherClient.exists(d.pathFor('api', 'x'));
      dropConnection(owner);
      await owner.waitForConnected({ timeoutMs: 10_000 });
      await eventually(() => owner.state === 'reconnected', 'owner reconnected');
      await d.queryForNames();
      expect((await watcherClient.exists(d.pathFor('api', 'x')))?.czxid).toBe(before?.czxid);

      // Deleted by someone while we are connected: re-registered (watchInstances).
      const again = registered(d, 'x');
      await watcherClient.delete(d.pathFor('api', 'x'));
      await again;
      expect((await watcherClient.exists(d.pathFor('api', 'x')))?.ephemeralOwner).toBe(owner.sessionId);
      await d.close();
      await w.close();
    });

    it('providers: round-robin, sticky and random strategies over the live instances; disabled ones skipped', async () => {
      const client = await zk.client();
      const d = await discoveryOn(client);
      for (const id of ['a', 'b', 'c']) await d.registerService(serviceInstance<Payload>({ name: 'svc', id, port: 1 }));
      await d.registerService(serviceInstance<Payload>({ name: 'svc', id: 'd', port: 1, enabled: false }));

      const rr = d.serviceProvider('svc', { strategy: new RoundRobinStrategy() });
      await rr.start();
      expect([1, 2, 3, 4].map(() => rr.getInstance()?.id)).toEqual(['a', 'b', 'c', 'a']);
      expect(rr.getAllInstances().map((i) => i.id)).toEqual(['a', 'b', 'c', 'd']);

      const sticky = d.serviceProvider('svc', { strategy: new StickyStrategy(new RoundRobinStrategy()) });
      await sticky.start();
      expect([1, 2, 3].map(() => sticky.getInstance()?.id)).toEqual(['a', 'a', 'a']);
      await d.unregisterService({ name: 'svc', id: 'a' });
      await cacheShows(sticky.cache, (ids) => !ids.includes('a'), 'sticky cache to lose a');
      const next = sticky.getInstance()?.id;
      expect(next).not.toBe('a');
      expect(sticky.getInstance()?.id).toBe(next);

      const rnd = d.serviceProvider('svc', { strategy: new RandomStrategy(() => 0.99) });
      await rnd.start();
      await cacheShows(rnd.cache, (ids) => ids.join() === 'b,c,d', 'random cache');
      expect(rnd.getInstance()?.id).toBe('c');
      await d.close();
    });

    it('down-instance policy excludes an instance after N errors for the timeout (injected clock)', async () => {
      const client = await zk.client();
      const d = await discoveryOn(client);
      for (const id of ['a', 'b']) await d.registerService(serviceInstance<Payload>({ name: 'svc', id }));
      const clock = new ManualClock(0);
      const provider = d.serviceProvider('svc', { strategy: new RoundRobinStrategy(), clock, downInstancePolicy: { timeoutMs: 1_000, errorThreshold: 2 } });
      await provider.start();
      const a = provider.getAllInstances().find((i) => i.id === 'a');
      if (a === undefined) throw new Error('a not cached');
      provider.noteError(a);
      expect(new Set([1, 2, 3, 4].map(() => provider.getInstance()?.id))).toEqual(new Set(['a', 'b']));
      provider.noteError(a);
      expect([1, 2, 3].map(() => provider.getInstance()?.id)).toEqual(['b', 'b', 'b']);
      clock.advance(999);
      expect(provider.getInstance()?.id).toBe('b');
      clock.advance(1);
      expect(new Set([1, 2].map(() => provider.getInstance()?.id))).toEqual(new Set(['a', 'b']));
      provider.noteError(a);
      provider.noteError(provider.getAllInstances().find((i) => i.id === 'b') ?? a);
      provider.noteError(provider.getAllInstances().find((i) => i.id === 'b') ?? a);
      provider.noteError(a);
      expect(provider.getInstance()).toBeUndefined();
      await d.close();
    });
  });
}
