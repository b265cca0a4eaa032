/**
 * Local mirrors kept current by watches: a TreeCache of a subtree, a NodeCache of one node and a
 * ChildrenCache of one node's children.
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/recipe-cache.ts
 */
import { ChildrenCache, NodeCache, NoNodeError, TreeCache, createClient, type CoordClient } from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-recipe-cache';
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

// Prints cache events; `events(n)` resolves once n more have arrived (so the output is in order).
let pending: { count: number; resolve: () => void } | undefined;
function seen(line: string): void {
  console.log(line);
  if (pending !== undefined && --pending.count === 0) {
    pending.resolve();
    pending = undefined;
  }
}
const events = (count: number): Promise<void> => new Promise((resolve) => (pending = { count, resolve }));

await using writer = createClient(connect);
await using reader = createClient(connect);
await removeTree(writer, root); // leftovers of an interrupted run
await writer.create(root);
await writer.create(`${root}/app`);
await writer.create(`${root}/app/db`, 'postgres://db-1');
await writer.create(`${root}/app/flags`);
await writer.create(`${root}/app/flags/dark-mode`, 'on');

console.log('-- TreeCache');
const tree = new TreeCache(reader, `${root}/app`);
const name = (path: string): string => path.slice(root.length + 1);
tree.on('nodeCreated', (n) => seen(`created ${name(n.path)} "${text(n.data)}"`));
tree.on('nodeChanged', (n) => seen(`changed ${name(n.path)} "${text(n.data)}"`));
tree.on('nodeDeleted', (n) => seen(`deleted ${name(n.path)}`));
tree.on('initialized', () => console.log('initialized'));
await tree.start(); // resolves once the initial load is in: one event per node, parents first
let next = events(3);
await writer.setData(`${root}/app/db`, 'postgres://db-2');
await writer.create(`${root}/app/flags/beta`, 'off');
await writer.delete(`${root}/app/flags/dark-mode`);
await next;
// Reads are local and synchronous.
console.log(`cached: ${tree.size} nodes; db = "${text(tree.get(`${root}/app/db`)?.data ?? new Uint8Array())}"`);
await tree.close();

console.log('-- NodeCache');
const db = new NodeCache(reader, `${root}/app/db`);
db.on('change', (n) => seen(n === undefined ? 'db: deleted' : `db: "${text(n.data)}" (version ${n.stat.version})`));
next = events(1);
await db.start();
await next; // the initial load reports the node once
next = events(1);
await writer.setData(`${root}/app/db`, 'postgres://db-3');
await next;
await db.close();

console.log('-- ChildrenCache');
const flags = new ChildrenCache(reader, `${root}/app/flags`);
flags.on('added', (n) => seen(`flag added: ${name(n.path)}`));
flags.on('removed', (n) => seen(`flag removed: ${name(n.path)}`));
await flags.start();
next = events(2);
await writer.create(`${root}/app/flags/audit`, 'on');
await writer.delete(`${root}/app/flags/beta`);
await next;
console.log(`flags: ${flags.names().join(', ')}`);
await flags.close();

await removeTree(writer, root);
