/**
 * Create, read, update (with a version check), list and delete znodes; then read the same tree
 * through a chroot.
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/basic-crud.ts
 */
import { BadVersionError, NodeExistsError, NoNodeError, createClient, type CoordClient } from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-basic-crud';
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Deletes a node and everything under it; a node that is already gone is fine. */
async function deleteTree(client: CoordClient, path: string): Promise<void> {
  try {
    for (const child of await client.getChildren(path)) await deleteTree(client, `${path}/${child}`);
    await client.delete(path);
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
}

// `await using` closes the client (ends its session) when the module's top level finishes.
await using client = createClient(connect, { sessionTimeoutMs: 10_000 });
await client.waitForConnected({ timeoutMs: 10_000 });
console.log(`state: ${client.state}`);
await deleteTree(client, root); // leftovers of an interrupted run

await client.create(root);
const path = await client.create(`${root}/config`, 'v1');
console.log(`created ${path}`);

const { data, stat } = await client.getData(path);
console.log(`read "${text(data)}" at version ${stat.version}`);

// setData with the version we read: fails if someone else wrote in between.
const updated = await client.setData(path, 'v2', stat.version);
console.log(`updated to version ${updated.version}`);
try {
  await client.setData(path, 'v3', stat.version);
} catch (err) {
  if (!(err instanceof BadVersionError)) throw err;
  console.log(`stale write rejected: ${err.codeName}`);
}

try {
  await client.create(path, 'again');
} catch (err) {
  if (!(err instanceof NodeExistsError)) throw err;
  console.log(`second create rejected: ${err.codeName}`);
}

// The server appends a 10-digit counter to sequential names.
const job = await client.create(`${root}/job-`, 'payload', { mode: 'PERSISTENT_SEQUENTIAL' });
console.log(`sequential node ${job}`);
console.log(`children: ${(await client.getChildren(root)).sort().join(', ')}`);

// A chroot in the connect string makes `root` this second client's "/".
{
  await using scoped = createClient(`${connect}${root}`);
  const { data: viaChroot } = await scoped.getData('/config');
  console.log(`through the chroot: /config = "${text(viaChroot)}"`);
}

await client.delete(job);
await deleteTree(client, root);
console.log(`deleted; exists: ${(await client.exists(root)) !== null}`);
