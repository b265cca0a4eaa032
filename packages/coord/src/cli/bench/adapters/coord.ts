import { createClient } from '../../../client/client.js';
import type { BenchClient, OpenOptions, OpenResult } from './types.js';

/** coord's own client, used exactly as an application would. */
export async function openCoord(options: OpenOptions): Promise<OpenResult> {
  const client = createClient(options.connectString, { sessionTimeoutMs: 30_000 });
  try {
    await client.waitForConnected({ timeoutMs: options.connectTimeoutMs });
  } catch (err) {
    await client.close();
    return { ok: false, reason: `could not connect: ${err instanceof Error ? err.message : String(err)}` };
  }
  const bench: BenchClient = {
    name: 'coord',
    getData: (path) => client.getData(path),
    setData: (path, data) => client.setData(path, data),
    create: (path, data) => client.create(path, data),
    delete: (path) => client.delete(path),
    close: () => client.close(),
  };
  return { ok: true, client: bench };
}
