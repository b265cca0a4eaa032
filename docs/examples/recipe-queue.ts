/**
 * Work queues: a lock-safe FIFO (an item is deleted only after its handler succeeded), a priority
 * queue and a delay queue.
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/recipe-queue.ts
 */
import {
  DistributedDelayQueue,
  DistributedPriorityQueue,
  DistributedQueue,
  NoNodeError,
  WaitTimeoutError,
  createClient,
  type CoordClient,
} from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-recipe-queue';
const text = (bytes: Uint8Array | null): string => (bytes === null ? 'null' : new TextDecoder().decode(bytes));

/** Deletes a node and everything under it; a node that is already gone is fine. */
async function removeTree(client: CoordClient, path: string): Promise<void> {
  try {
    for (const child of await client.getChildren(path)) await removeTree(client, `${path}/${child}`);
    await client.delete(path);
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
}

await using client = createClient(connect);
await removeTree(client, root); // leftovers of an interrupted run

console.log('-- DistributedQueue (FIFO, lock-safe)');
// With a lockPath a consumer locks an item, runs the handler, and only then deletes it.
const jobs = new DistributedQueue(client, { path: `${root}/jobs`, lockPath: `${root}/jobs-locks` });
for (const job of ['resize a.png', 'resize b.png']) await jobs.put(job);
console.log(`size: ${await jobs.size()}`);
const result = await jobs.consume((item) => `done: ${text(item.data)}`, { timeoutMs: 5_000 });
console.log(result);
try {
  await jobs.consume(() => {
    throw new Error('worker crashed');
  });
} catch (err) {
  if (!(err instanceof Error)) throw err;
  // errorMode 'requeue' (the default): the failed item goes back, to the tail.
  console.log(`handler failed (${err.message}); size is still ${await jobs.size()}`);
}
console.log(`take: ${text(await jobs.take({ timeoutMs: 5_000 }))}`);

// A consumer on an empty queue waits (herd-free: only the first waiter watches the items).
const waiting = jobs.take({ timeoutMs: 5_000 });
await jobs.put('resize c.png');
console.log(`the waiting consumer got: ${text(await waiting)}`);
try {
  await jobs.take({ timeoutMs: 200 });
} catch (err) {
  if (!(err instanceof WaitTimeoutError)) throw err;
  console.log(`empty: ${err.message}`);
}
console.log(`poll: ${text(await jobs.poll())}`);
await jobs.close();

console.log('-- DistributedPriorityQueue (lower number first)');
const tasks = new DistributedPriorityQueue(client, { path: `${root}/tasks` });
await tasks.put('rebuild index', 10);
await tasks.put('page the on-call', 0);
await tasks.put('send report', 5);
for (let i = 0; i < 3; i++) console.log(`take: ${text(await tasks.take({ timeoutMs: 5_000 }))}`);
await tasks.close();

console.log('-- DistributedDelayQueue (an item becomes visible at its due time)');
const reminders = new DistributedDelayQueue(client, { path: `${root}/reminders` });
await reminders.putAfter('in a second', 1_000);
await reminders.put('due now', Date.now());
console.log(`take: ${text(await reminders.take({ timeoutMs: 5_000 }))}`);
console.log(`poll before the second is due: ${text(await reminders.poll())}`);
console.log(`take: ${text(await reminders.take({ timeoutMs: 5_000 }))}`);
await reminders.close();

await removeTree(client, root);
