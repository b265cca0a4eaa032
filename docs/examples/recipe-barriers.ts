/**
 * Barriers: a DistributedBarrier holds workers until a coordinator lowers it; a
 * DistributedDoubleBarrier lets a fixed number of workers start together and finish together.
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/recipe-barriers.ts
 */
import { DistributedBarrier, DistributedDoubleBarrier, NoNodeError, createClient, type CoordClient } from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-recipe-barriers';

/** Deletes a node and everything under it; a node that is already gone is fine. */
async function removeTree(client: CoordClient, path: string): Promise<void> {
  try {
    for (const child of await client.getChildren(path)) await removeTree(client, `${path}/${child}`);
    await client.delete(path);
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
}

await using coordinator = createClient(connect);
await using worker1 = createClient(connect);
await using worker2 = createClient(connect);
await removeTree(coordinator, root); // leftovers of an interrupted run

console.log('-- DistributedBarrier');
const gate = new DistributedBarrier(coordinator, `${root}/gate`);
await gate.setBarrier();
const released: string[] = [];
const waits = [worker1, worker2].map((client, i) =>
  new DistributedBarrier(client, `${root}/gate`).waitOnBarrier({ timeoutMs: 5_000 }).then(() => released.push(`worker ${i + 1}`)),
);
await new Promise((resolve) => setTimeout(resolve, 100));
console.log(`released while the barrier is up: ${released.length}`);
await gate.removeBarrier();
await Promise.all(waits);
console.log(`released after removeBarrier(): ${released.sort().join(', ')}`);

console.log('-- DistributedDoubleBarrier (2 members)');
const log: string[] = [];
async function work(client: CoordClient, name: string): Promise<void> {
  const barrier = new DistributedDoubleBarrier(client, `${root}/round`, 2);
  await barrier.enter({ timeoutMs: 5_000 }); // returns once both members have entered
  log.push(`${name} entered`);
  await barrier.leave({ timeoutMs: 5_000 }); // returns once both members have left
  log.push(`${name} left`);
}
await Promise.all([work(worker1, 'worker 1'), work(worker2, 'worker 2')]);
// Every member entered before any member left.
console.log(`first: ${log.slice(0, 2).sort().join(', ')}`);
console.log(`then: ${log.slice(2).sort().join(', ')}`);

await removeTree(coordinator, root);
