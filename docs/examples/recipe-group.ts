/**
 * Nodes that stay: a PersistentNode (an ephemeral re-created after deletes and session loss) and
 * GroupMember (group membership: your own node plus a live view of the others).
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/recipe-group.ts
 */
import { GroupMember, NoNodeError, PersistentNode, createClient, type CoordClient } from '@coordlab/coord';
import { expireSession, waitForState } from '@coordlab/coord/testing';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-recipe-group';
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
await alice.create(root);

console.log('-- PersistentNode');
const heartbeat = new PersistentNode(alice, `${root}/alive`, 'alice', { mode: 'EPHEMERAL' });
let recreated = (): void => undefined;
heartbeat.on('created', () => recreated());
const nextCreate = (): Promise<void> => new Promise((resolve) => (recreated = resolve));
heartbeat.start();
console.log(`created: ${await heartbeat.waitForInitialCreate({ timeoutMs: 5_000 })}`);

let created = nextCreate();
await bob.delete(`${root}/alive`); // someone deletes it: it comes back
await created;
console.log(`back after a delete: ${(await bob.exists(`${root}/alive`)) !== null}`);

created = nextCreate();
await expireSession(alice, connect); // the session dies with its ephemerals...
await waitForState(alice, 'reconnected');
await created; // ...and the node is made again in the new session
const stat = await bob.exists(`${root}/alive`);
console.log(`back after session loss: ${stat?.ephemeralOwner === alice.sessionId}`);
await heartbeat.close(); // deletes the node
console.log(`after close: ${(await bob.exists(`${root}/alive`)) !== null}`);

console.log('-- GroupMember');
const aliceMember = new GroupMember(alice, `${root}/workers`, 'alice', 'eu-west');
const bobMember = new GroupMember(bob, `${root}/workers`, 'bob', 'eu-north');
let changed = (): void => undefined;
let watching = true;
aliceMember.on('joined', (id, data) => {
  if (!watching) return;
  console.log(`alice sees ${id} join (${text(data)})`);
  changed();
});
aliceMember.on('left', (id) => {
  if (!watching) return;
  console.log(`alice sees ${id} leave`);
  changed();
});
const nextChange = (): Promise<void> => new Promise((resolve) => (changed = resolve));

let change = nextChange();
await aliceMember.start();
await change; // alice's own node
change = nextChange();
await bobMember.start();
await change;
console.log(`members: ${[...aliceMember.getCurrentMembers().keys()].sort().join(', ')}`);
change = nextChange();
await bobMember.close(); // deletes bob's node
await change;

watching = false;
await aliceMember.close();
await removeTree(alice, root);
