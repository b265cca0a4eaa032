/**
 * Connection states through a dropped connection and a session expiry, caused with the testing
 * kit's fault helpers (the same calls test your own code's reaction to them).
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/session-states.ts
 */
import { createClient } from '@coordlab/coord';
import { dropConnection, expireSession, waitForState } from '@coordlab/coord/testing';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const owner = '/examples-session-owner';
const watched = '/examples-session-watched';

await using client = createClient(connect, { sessionTimeoutMs: 10_000 });
client.on('state', (state) => console.log(`state: ${state}`));
await client.waitForConnected({ timeoutMs: 10_000 });
for (const leftover of [owner, watched]) if ((await client.exists(leftover)) !== null) await client.delete(leftover);

await client.create(owner, null, { mode: 'EPHEMERAL' });
let oneShotCalls = 0;
await client.exists(watched, { watch: () => oneShotCalls++ });
const persistent: string[] = [];
const handle = await client.addWatch(watched, 'PERSISTENT', (e) => persistent.push(`${e.type} ${e.path}`));
const firstSession = client.sessionId;

console.log('-- the TCP connection drops; the session lives on');
dropConnection(client);
await waitForState(client, 'reconnected');
console.log(`same session: ${client.sessionId === firstSession}; ephemeral kept: ${(await client.exists(owner)) !== null}`);

console.log('-- the server expires the session');
await expireSession(client, connect);
// After 'lost' the client opens a new session by itself and reports 'reconnected'.
await waitForState(client, 'reconnected');
console.log(`same session: ${client.sessionId === firstSession}; ephemeral kept: ${(await client.exists(owner)) !== null}`);

// One-shot watches died with the old session; persistent ones were registered on the new one.
await client.create(watched);
console.log(`one-shot watcher calls: ${oneShotCalls}; persistent watcher saw: ${persistent.join(', ')}`);

// What a 'reconnected' after 'lost' asks of you: re-create ephemerals, re-read watched state.
await client.create(owner, null, { mode: 'EPHEMERAL' });
await handle.remove();
await client.delete(watched);
await client.delete(owner);
