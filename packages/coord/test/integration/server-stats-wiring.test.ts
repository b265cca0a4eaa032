/**
 * The statistics the four-letter words and the AdminServer print come from the running core:
 * requests, latencies, connections and sessions move as clients work.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { fourLetterWord, startServer } from '../../src/testing/index.js';

function mntrValue(mntr: string, key: string): string | undefined {
  return mntr.split('\n').find((line) => line.startsWith(`${key}\t`))?.split('\t')[1];
}

describe('server statistics are wired to the core', () => {
  it('counts requests, latency, connections and the last operation of each connection', async () => {
    const server = await startServer({ fourLetterWords: '*' });
    const client = createClient(server.connectString);
    try {
      await client.create('/s', 'x');
      for (let i = 0; i < 10; i++) await client.getData('/s');
      const mntr = await fourLetterWord(server.host, server.port, 'mntr');
      expect(Number(mntrValue(mntr, 'zk_packets_received'))).toBeGreaterThanOrEqual(11);
      expect(Number(mntrValue(mntr, 'zk_num_alive_connections'))).toBeGreaterThanOrEqual(1);
      expect(Number(mntrValue(mntr, 'zk_max_latency'))).toBeGreaterThanOrEqual(0);
      expect(Number(mntrValue(mntr, 'zk_max_client_response_size'))).toBeGreaterThan(0);
      const cons = await fourLetterWord(server.host, server.port, 'cons');
      expect(cons).toContain(`sid=0x${client.sessionId.toString(16)}`);
      expect(cons).toContain('lop=GETD');
      const srvr = await fourLetterWord(server.host, server.port, 'srvr');
      expect(srvr).toMatch(/^Mode: standalone$/m);
      expect(server.statsSource.connections().some((c) => c.sessionId === client.sessionId && c.packetsReceived >= 11)).toBe(true);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
