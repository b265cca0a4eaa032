/**
 * Service discovery: instances register themselves (ephemeral JSON nodes, Curator's format) and
 * callers pick one through a ServiceProvider with a strategy and a down-instance policy.
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/recipe-discovery.ts
 */
import { NoNodeError, RoundRobinStrategy, ServiceDiscovery, createClient, serviceInstance, type CoordClient } from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-recipe-discovery';

/** Deletes a node and everything under it; a node that is already gone is fine. */
async function removeTree(client: CoordClient, path: string): Promise<void> {
  try {
    for (const child of await client.getChildren(path)) await removeTree(client, `${path}/${child}`);
    await client.delete(path);
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
}

interface SearchPayload {
  readonly region: string;
}

await using serverSide = createClient(connect);
await using callerSide = createClient(connect);
await removeTree(serverSide, root); // leftovers of an interrupted run

// The servers register (here all three from one client; normally one per process).
const registry = new ServiceDiscovery<SearchPayload>(serverSide, { basePath: `${root}/services` });
for (const [id, port] of [['search-1', 8081], ['search-2', 8082], ['search-3', 8083]] as const) {
  const instance = serviceInstance<SearchPayload>({ name: 'search', id, address: '127.0.0.1', port, payload: { region: 'eu' }, uriSpec: '{scheme}://{address}:{port}' });
  await registry.registerService(instance);
}

// A caller looks them up.
const discovery = new ServiceDiscovery<SearchPayload>(callerSide, { basePath: `${root}/services` });
console.log(`services: ${(await discovery.queryForNames()).join(', ')}`);
const all = await discovery.queryForInstances('search');
console.log(`instances: ${all.map((i) => `${i.id} at ${i.address}:${i.port} (${i.payload?.region})`).join(', ')}`);

const provider = discovery.serviceProvider('search', { strategy: new RoundRobinStrategy(), downInstancePolicy: { errorThreshold: 2 } });
await provider.start(); // loads and then watches the instances
const pick = (n: number): string => Array.from({ length: n }, () => provider.getInstance()?.id ?? 'none').join(', ');
console.log(`round robin: ${pick(4)}`);

// Report failures: two within the policy's timeout mark an instance down for a while.
const flaky = all.find((i) => i.id === 'search-2');
if (flaky === undefined) throw new Error('search-2 is not registered');
provider.noteError(flaky);
provider.noteError(flaky);
console.log(`with search-2 down: ${pick(4)}`);

// An instance that goes away (unregistered, or its session ended) leaves the provider's cache.
const cacheUpdated = new Promise<void>((resolve) => provider.cache.on('change', (instances) => instances.length === 2 && resolve()));
await registry.unregisterService({ name: 'search', id: 'search-3' });
await cacheUpdated;
console.log(`after search-3 left: ${pick(2)}`);

await discovery.close(); // closes the provider too
await registry.close(); // unregisters what this registry registered
console.log(`instances left: ${(await discovery.queryForInstances('search')).length}`);

await removeTree(serverSide, root);
