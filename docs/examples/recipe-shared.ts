/**
 * Shared values: SharedCount and SharedValue (a watched value with compare-and-set),
 * DistributedAtomicLong (a counter no concurrent update is lost from) and IdGenerator (unique,
 * increasing ids).
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/recipe-shared.ts
 */
import { DistributedAtomicLong, IdGenerator, NoNodeError, SharedCount, SharedValue, createClient, type CoordClient } from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-recipe-shared';
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Deletes a node and everything under it; a node that is already gone is fine. */
async function removeTree(client: CoordClient, path: string): Promise<void> {
  try {
    for (const child of await client.getChildren(path)) await removeTree(client, `${path}/${child}`);
    await client.delete(path);
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
}

await using alice = createClient(connect);
await using bob = createClient(connect);
await removeTree(alice, root); // leftovers of an interrupted run

console.log('-- SharedCount');
const countA = new SharedCount(alice, `${root}/count`, 0); // 0 seeds the node if it is missing
const countB = new SharedCount(bob, `${root}/count`, 0);
await countA.start();
await countB.start();
const bobSees5 = new Promise<void>((resolve) => countB.on('change', ({ value }) => value === 5 && resolve()));
await countA.setCount(5);
await bobSees5;
console.log(`bob's copy: ${countB.getCount()}`);
// Both try to add 1 from the version they saw: exactly one compare-and-set wins.
const wins = await Promise.all(
  [countA, countB].map((count) => {
    const seen = count.getVersionedValue();
    return count.trySetCount(seen, seen.value + 1);
  }),
);
// The loser's trySetCount re-read the node, so both copies are current.
console.log(`winners: ${wins.filter(Boolean).length}; alice's copy: ${countA.getCount()}, bob's copy: ${countB.getCount()}`);
await countA.close();
await countB.close();

console.log('-- SharedValue');
const colour = new SharedValue(alice, `${root}/colour`, new TextEncoder().encode('blue'));
await colour.start();
const before = colour.getVersionedValue();
console.log(`first write: ${await colour.trySetValue(before, new TextEncoder().encode('green'))}`);
console.log(`second write from the same version: ${await colour.trySetValue(before, new TextEncoder().encode('red'))}`);
console.log(`value: ${text(colour.getValue())}`);
await colour.close();

console.log('-- DistributedAtomicLong');
const hitsA = new DistributedAtomicLong(alice, `${root}/hits`);
const hitsB = new DistributedAtomicLong(bob, `${root}/hits`);
// Two writers, five increments each, at the same time: optimistic compare-and-set with retries.
const outcomes = await Promise.all(
  [hitsA, hitsB].map(async (hits) => {
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await hits.increment());
    return results;
  }),
);
console.log(`all succeeded: ${outcomes.flat().every((r) => r.succeeded)}; hits: ${(await hitsA.get()).postValue}`);
console.log(`compareAndSet(10, 100): ${(await hitsA.compareAndSet(10n, 100n)).succeeded}`);
const stale = await hitsB.compareAndSet(10n, 200n);
console.log(`compareAndSet(10, 200): ${stale.succeeded}, the value is ${stale.preValue}`);
await hitsA.close();
await hitsB.close();

console.log('-- IdGenerator');
const ids = await Promise.all(
  [alice, bob].map(async (client) => {
    const generator = new IdGenerator(client, `${root}/ids`);
    const mine: number[] = [];
    for (let i = 0; i < 5; i++) mine.push(await generator.next());
    return mine;
  }),
);
const increasing = ids.every((mine) => mine.every((id, i) => i === 0 || id > (mine[i - 1] ?? -1)));
console.log(`ids: ${ids.flat().length}, distinct: ${new Set(ids.flat()).size}, increasing per caller: ${increasing}`);

await removeTree(alice, root);
