/**
 * Locks: a fair, re-entrant Mutex with fencing; a Semaphore of N leases; a SemaphoreMutex; a
 * herd-free ReadWriteLock; and a MultiLock taking several locks as one.
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/recipe-locks.ts
 */
import {
  LockTimeoutError,
  MultiLock,
  Mutex,
  NoNodeError,
  ReadWriteLock,
  Semaphore,
  SemaphoreMutex,
  createClient,
  type CoordClient,
} from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-recipe-locks';

/** Deletes a node and everything under it; a node that is already gone is fine. */
async function removeTree(client: CoordClient, path: string): Promise<void> {
  try {
    for (const child of await client.getChildren(path)) await removeTree(client, `${path}/${child}`);
    await client.delete(path);
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
}

/** What an acquire that cannot be granted within `timeoutMs` does. */
async function tryBriefly(what: string, acquire: () => Promise<{ release(): Promise<void> }>): Promise<void> {
  try {
    await (await acquire()).release();
    console.log(`${what}: granted`);
  } catch (err) {
    if (!(err instanceof LockTimeoutError)) throw err;
    console.log(`${what}: timed out (LockTimeoutError)`);
  }
}

await using alice = createClient(connect);
await using bob = createClient(connect);
await removeTree(alice, root); // leftovers of an interrupted run
await alice.create(root);
await alice.create(`${root}/state`, 'empty');

console.log('-- Mutex');
const mutexA = new Mutex(alice, `${root}/mutex`);
const mutexB = new Mutex(bob, `${root}/mutex`);
const leaseA = await mutexA.acquire({ timeoutMs: 5_000 });
await tryBriefly('bob, while alice holds it', () => mutexB.acquire({ timeoutMs: 200 }));
// checkOp() makes the write conditional on still holding the lease.
await leaseA.checkOp(alice.multi()).setData(`${root}/state`, 'written by alice').commit();
const again = await mutexA.acquire(); // re-entrant per Mutex instance: granted at once
await again.release(); // alice still holds it: one hold is left
console.log(`alice still holds it: ${mutexA.isAcquiredInThisProcess}`);

const bobWaits = mutexB.acquire({ timeoutMs: 5_000 }); // bob queues, watching only alice's node
await leaseA.release();
const leaseB = await bobWaits;
console.log(`bob holds it; his fencing token is higher: ${leaseB.fencingToken > leaseA.fencingToken}`);
try {
  await leaseA.checkOp(alice.multi()).setData(`${root}/state`, 'late write by alice').commit();
} catch (err) {
  if (!(err instanceof NoNodeError)) throw err;
  console.log(`alice's released lease is refused: ${err.codeName}`);
}
// An AbortSignal stops a waiting acquire; its node is removed from the queue.
const shutdown = new AbortController();
const aliceWaits = mutexA.acquire({ signal: shutdown.signal });
shutdown.abort(new Error('shutting down'));
await aliceWaits.catch((err: unknown) => console.log(`alice stopped waiting: ${err instanceof Error ? err.message : String(err)}`));
await leaseB.release();

console.log('-- Semaphore (2 leases)');
const pool = (client: CoordClient): Semaphore => new Semaphore(client, `${root}/pool`, 2);
const first = await pool(alice).acquire({ timeoutMs: 5_000 });
const second = await pool(bob).acquire({ timeoutMs: 5_000 });
await tryBriefly('a third lease', () => pool(alice).acquire({ timeoutMs: 200 }));
await first.release();
await tryBriefly('a third lease after one came back', () => pool(alice).acquire({ timeoutMs: 5_000 }));
await second.release();

console.log('-- SemaphoreMutex (not re-entrant)');
const single = new SemaphoreMutex(alice, `${root}/single`);
const held = await single.acquire({ timeoutMs: 5_000 });
await tryBriefly('the same instance again', () => single.acquire({ timeoutMs: 200 }));
await held.release();

console.log('-- ReadWriteLock');
const rwA = new ReadWriteLock(alice, `${root}/rw`);
const rwB = new ReadWriteLock(bob, `${root}/rw`);
const read1 = await rwA.readLock.acquire({ timeoutMs: 5_000 });
const read2 = await rwB.readLock.acquire({ timeoutMs: 5_000 });
console.log('two readers hold it together');
await tryBriefly('a writer while they read', () => rwA.writeLock.acquire({ timeoutMs: 200 }));
const writing = rwA.writeLock.acquire({ timeoutMs: 5_000 }); // waits for both readers
await read1.release();
await read2.release();
const write = await writing;
await tryBriefly('a reader while the writer holds it', () => rwB.readLock.acquire({ timeoutMs: 200 }));
await write.release();

console.log('-- MultiLock');
const accounts = new MultiLock([new Mutex(alice, `${root}/accounts/a`), new Mutex(alice, `${root}/accounts/b`)]);
{
  await using both = await accounts.acquire({ timeoutMs: 5_000 }); // released at the end of the block
  await both.checkOp(alice.multi()).setData(`${root}/state`, 'moved money from a to b').commit();
  console.log(`holding ${both.leases.length} locks; fenced write committed`);
}

await removeTree(alice, root);
