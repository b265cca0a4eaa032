/**
 * An atomic multi() with a fencing check: a leader writes only while the epoch node still has
 * the version it saw when it took over, so a deposed leader's late write is refused as a whole.
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/transaction-fencing.ts
 */
import { BadVersionError, createClient, errorCodeName } from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-fencing';
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

await using client = createClient(connect);
await client.waitForConnected({ timeoutMs: 10_000 });

/** Deletes root and its children in one transaction, if root exists. */
async function removeRoot(): Promise<void> {
  if ((await client.exists(root)) === null) return;
  const tx = client.multi();
  for (const child of await client.getChildren(root)) tx.delete(`${root}/${child}`);
  await tx.delete(root).commit();
}

await removeRoot(); // leftovers of an interrupted run

await client.multi().create(root).create(`${root}/epoch`, '1').create(`${root}/state`, 'empty').commit();

// Leader 1 takes over and remembers the epoch node's version: its fencing token.
const token = (await client.getData(`${root}/epoch`)).stat.version;
console.log(`leader 1 holds epoch version ${token}`);

const results = await client
  .multi()
  .check(`${root}/epoch`, token)
  .setData(`${root}/state`, 'written by leader 1')
  .create(`${root}/log-`, 'entry 1', { mode: 'PERSISTENT_SEQUENTIAL' })
  .commit();
console.log(`committed: ${results.map((r) => (r.kind === 'create' ? `create ${r.path}` : r.kind)).join(', ')}`);

// Leader 2 takes over: bumping the epoch invalidates every older token.
await client.setData(`${root}/epoch`, '2');
console.log('leader 2 bumped the epoch');

// Leader 1 does not know yet; its write is fenced off and nothing of the transaction applies.
try {
  await client
    .multi()
    .check(`${root}/epoch`, token)
    .setData(`${root}/state`, 'stale write by leader 1')
    .create(`${root}/log-`, 'entry 2', { mode: 'PERSISTENT_SEQUENTIAL' })
    .commit();
  console.log('unexpected: the stale write was committed');
} catch (err) {
  if (!(err instanceof BadVersionError) || err.transaction === undefined) throw err;
  const { failedIndex, codes } = err.transaction;
  console.log(`fenced: op ${failedIndex} failed with ${err.codeName}; op codes: ${codes.map((c) => errorCodeName(c)).join(', ')}`);
}
console.log(`state is still "${text((await client.getData(`${root}/state`)).data)}"`);
console.log(`log entries: ${(await client.getChildren(root)).filter((c) => c.startsWith('log-')).length}`);

await removeRoot();
