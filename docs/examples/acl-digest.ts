/**
 * ACLs with digest authentication: a node everyone may read but only "alice" may change.
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/acl-digest.ts
 */
import { ANYONE_ID_UNSAFE, NoAuthError, Perms, createClient, digestAcl, digestId } from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const path = '/examples-acl';

// Credentials in the options are sent on connect and again on every reconnect.
await using alice = createClient(connect, { auth: [{ scheme: 'digest', auth: 'alice:secret' }] });
await using anonymous = createClient(connect);
await alice.waitForConnected({ timeoutMs: 10_000 });
await anonymous.waitForConnected({ timeoutMs: 10_000 });

// Deleting needs DELETE on the parent, not on the node: "/" is open, so anyone may clean up.
if ((await anonymous.exists(path)) !== null) await anonymous.delete(path);

const identities = await alice.whoAmI();
console.log(`alice is authenticated as: ${identities.filter((i) => i.scheme === 'digest').map((i) => `${i.scheme}:${i.user}`).join(', ')}`);

await alice.create(path, 'v1', {
  acl: [digestAcl(Perms.ALL, 'alice', 'secret'), { perms: Perms.READ, id: ANYONE_ID_UNSAFE }],
});
const { acl } = await alice.getACL(path);
console.log(`acl: ${acl.map((a) => `${a.id.scheme}:${a.id.id === digestId('alice', 'secret') ? 'alice:<digest>' : a.id.id} perms=${a.perms}`).join('; ')}`);

console.log(`anonymous reads "${new TextDecoder().decode((await anonymous.getData(path)).data)}"`);
try {
  await anonymous.setData(path, 'v2');
} catch (err) {
  if (!(err instanceof NoAuthError)) throw err;
  console.log(`anonymous write refused: ${err.codeName}`);
}

// addAuth adds an identity to a live session (and keeps it for reconnects).
await anonymous.addAuth('digest', 'alice:secret');
const stat = await anonymous.setData(path, 'v2');
console.log(`after addAuth the write succeeds: version ${stat.version}`);

await alice.delete(path);
