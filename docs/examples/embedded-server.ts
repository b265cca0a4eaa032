/**
 * An embedded coord server: start it in this process on a free loopback port, use it with coord's
 * client, ask it how it is doing with four-letter words, and stop it. No Java, nothing to clean up.
 *
 *   node --import tsx docs/examples/embedded-server.ts
 */
import { createClient, startServer } from '@coordlab/coord';
import { fourLetterWord } from '@coordlab/coord/testing';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

// Defaults: 127.0.0.1, a free port, tickTime 2000 ms, only `srvr` answered. Allow two more words.
const server = await startServer({ fourLetterWords: ['ruok', 'srvr', 'mntr'] });
console.log(`listening on ${server.host}, on a port the system chose: ${server.connectString === `127.0.0.1:${server.port}`}`);

/** One `zk_<key>` value of the mntr four-letter word. */
async function mntr(key: string): Promise<string> {
  const lines = (await fourLetterWord(server.host, server.port, 'mntr')).split('\n');
  return lines.find((line) => line.startsWith(`zk_${key}\t`))?.split('\t')[1] ?? '(missing)';
}

{
  // `await using` closes the client (ends its session) at the end of this block.
  await using client = createClient(server.connectString, { sessionTimeoutMs: 10_000 });
  await client.waitForConnected({ timeoutMs: 10_000 });
  console.log(`session timeout granted: ${client.negotiatedTimeoutMs} ms`);

  await client.create('/services');
  await client.create('/services/web-1', 'http://10.0.0.1:8080', { mode: 'EPHEMERAL' });
  const { data, stat } = await client.getData('/services/web-1');
  console.log(`/services/web-1 = "${text(data)}" (ephemeral: ${stat.ephemeralOwner === client.sessionId})`);

  // The embedded server enables TTL nodes by default (coord server and ZooKeeper do not).
  const lease = await client.create('/services/lease', null, { mode: 'PERSISTENT_WITH_TTL', ttlMs: 60_000 });
  console.log(`TTL node created: ${lease}`);

  console.log(`ruok -> ${await fourLetterWord(server.host, server.port, 'ruok')}`);
  console.log(`mntr: znode_count ${await mntr('znode_count')}, ephemerals_count ${await mntr('ephemerals_count')}`);
}

// The session ended with the client, and its ephemeral node with it.
console.log(`after close: ephemerals_count ${await mntr('ephemerals_count')}`);
console.log(`stat is not whitelisted: ${(await fourLetterWord(server.host, server.port, 'stat')).trim()}`);

await server.stop();
console.log(`stopped; open connections: ${server.connectionCount}`);
