/**
 * Leader election: a LeaderLatch (lead until you close) and a LeaderSelector (lead for one
 * callback, then hand over). Every grant carries a fencing check for your own multi().
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/recipe-leader.ts
 */
import { LeaderLatch, LeaderSelector, NoNodeError, createClient, type CoordClient } from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-recipe-leader';

/** Deletes a node and everything under it; a node that is already gone is fine. */
async function removeTree(client: CoordClient, path: string): Promise<void> {
  try {
    for (const child of await client.getChildren(path)) await removeTree(client, `${path}/${child}`);
    await client.delete(path);
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
}

// Two processes, played by two clients (two sessions).
await using alice = createClient(connect);
await using bob = createClient(connect);
await removeTree(alice, root); // leftovers of an interrupted run
await alice.create(root);
await alice.create(`${root}/state`, 'empty');

console.log('-- LeaderLatch');
const latchA = new LeaderLatch(alice, `${root}/latch`, { participantId: 'alice' });
const latchB = new LeaderLatch(bob, `${root}/latch`, { participantId: 'bob' });
latchB.on('isLeader', () => console.log('bob: isLeader'));
await latchA.start();
await latchB.start();
console.log(`alice leads: ${await latchA.await({ timeoutMs: 5_000 })}; bob leads: ${latchB.hasLeadership()}`);
console.log(`participants: ${(await latchB.getParticipants()).map((p) => `${p.id}${p.isLeader ? ' (leader)' : ''}`).join(', ')}`);

// The grant's check() makes a write conditional on still holding this grant.
const grantA = latchA.leadership;
if (grantA === undefined) throw new Error('alice should lead');
await grantA.checkOp(alice.multi()).setData(`${root}/state`, 'written by alice').commit();
console.log('alice: fenced write committed');

await latchA.close(); // alice steps down: her node goes, bob (who watched only it) takes over
console.log(`bob leads: ${await latchB.await({ timeoutMs: 5_000 })}`);
const grantB = latchB.leadership;
console.log(`bob's fencing token is higher: ${grantB !== undefined && grantB.fencingToken > grantA.fencingToken}`);
try {
  await grantA.checkOp(alice.multi()).setData(`${root}/state`, 'late write by alice').commit();
} catch (err) {
  if (!(err instanceof NoNodeError)) throw err;
  console.log(`alice's stale grant is refused: ${err.codeName}`);
}
await latchB.close();

console.log('-- LeaderSelector');
let bobLeads = (): void => undefined;
const bobLeading = new Promise<void>((resolve) => (bobLeads = resolve));
const selectA = new LeaderSelector(
  alice,
  `${root}/selector`,
  async (ctx) => {
    // Leadership lasts as long as this callback: do the leader's work, fenced, then return.
    await ctx.checkOp(alice.multi()).setData(`${root}/state`, `written by ${ctx.participantId}`).commit();
    console.log(`${ctx.participantId}: my turn; wrote the state and hand over`);
  },
  { participantId: 'alice' },
);
const selectB = new LeaderSelector(
  bob,
  `${root}/selector`,
  async (ctx) => {
    console.log(`${ctx.participantId}: my turn; working until told to stop`);
    bobLeads();
    // A long-running leader must end its turn when ctx.signal fires (lost, interrupted, closed).
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    console.log(`${ctx.participantId}: stopping, ${String(ctx.signal.reason)}`);
  },
  { participantId: 'bob' },
);
await selectA.start();
await selectB.start();
await bobLeading;
await selectB.close(); // cancels bob's turn and waits for his callback to return
await selectA.close();
console.log(`state: ${new TextDecoder().decode((await alice.getData(`${root}/state`)).data)}`);

await removeTree(alice, root);
