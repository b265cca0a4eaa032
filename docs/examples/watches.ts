/**
 * Watches: a one-shot watcher per read, and persistent (recursive) watch handles.
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/watches.ts
 */
import { NoNodeError, createClient, type WatchEvent } from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-watches';
const line = (e: WatchEvent): string => `${e.type} ${e.path}`;

await using client = createClient(connect);
await client.waitForConnected({ timeoutMs: 10_000 });
for (const leftover of [`${root}/a/b`, `${root}/a`, root]) {
  await client.delete(leftover).catch((err: unknown) => {
    if (!(err instanceof NoNodeError)) throw err;
  });
}

// ZooKeeper sends a watch event before its reply to any later request of the same client, and
// the client runs watchers in that order: once a later call has resolved, the events are in.
const events: string[] = [];
const flush = (title: string): void => console.log([title, ...events.splice(0).map((e) => `  ${e}`)].join('\n'));

// One-shot: exists() on a missing node watches for its creation.
await client.exists(root, { watch: (e) => events.push(`exists: ${line(e)}`) });
await client.create(root, 'one');

// One-shot: getData() watches for the next change (or delete); it fires once, then it is gone.
await client.getData(root, { watch: (e) => events.push(`getData: ${line(e)}`) });
await client.setData(root, 'two');
await client.setData(root, 'three'); // nobody watches any more

// One-shot: getChildren() watches for a child created or deleted.
await client.getChildren(root, { watch: (e) => events.push(`getChildren: ${line(e)}`) });
await client.create(`${root}/a`);
flush('one-shot watches:');

// Persistent recursive: every change at or below root, until remove(); never NodeChildrenChanged.
const treeWatch = await client.addWatch(root, 'PERSISTENT_RECURSIVE', (e) => events.push(`recursive: ${line(e)}`));
// Persistent: one node's data and children changes, every time. (Keep to one watch mode per
// path and client: ZooKeeper 3.8 keeps a single mode per path for each connection.)
const nodeWatch = await client.addWatch(`${root}/a`, 'PERSISTENT', (e) => events.push(`persistent: ${line(e)}`));
await client.create(`${root}/a/b`, 'x');
await client.setData(`${root}/a/b`, 'y');
await client.setData(`${root}/a`, 'z');
await client.delete(`${root}/a/b`);
flush('persistent watches:');

// remove() ends one handle; the other keeps firing.
await treeWatch.remove();
await client.setData(`${root}/a`, 'after remove');
await nodeWatch.remove();
await client.setData(`${root}/a`, 'after both removed');
flush('after remove():');

await client.delete(`${root}/a`);
await client.delete(root);
