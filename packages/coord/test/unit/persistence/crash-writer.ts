/**
 * Child process for the kill -9 durability test (test/integration/persistence-crash.test.ts):
 * opens a dataDir with fsync on, then writes multis as fast as group commit allows, each creating
 * /a-<zxid> and /b-<zxid>, and prints `ack <zxid>` once a zxid is durable. The parent kills it
 * at an arbitrary moment and checks what recovery finds.
 */
import { OpCode } from '../../../src/jute/opcodes.js';
import { apply } from '../../../src/server/apply.js';
import { openDataDir } from '../../../src/server/persistence/data-dir.js';
import { prep, type WriteRequest } from '../../../src/server/prep.js';
import { WatchTable } from '../../../src/server/watch-table.js';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: crash-writer <dataDir>');
const dir = await openDataDir({ dataDir, forceSync: true, preAllocSizeBytes: 64 * 1024, snapCount: 200, extendedTypesEnabled: true });
const watches = { data: new WatchTable(), child: new WatchTable() };
const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const session = 0x0200_0000_0000_0000n + dir.lastZxid;
let zxid = dir.lastZxid;
process.stdout.write(`start ${zxid}\n`);
dir.onDurable((z) => process.stdout.write(`ack ${z}\n`));

function write(request: WriteRequest): void {
  zxid += 1n;
  const ctx = { tree: dir.tree, sessionId: session, cxid: 0, zxid, time: BigInt(Date.now()), authIds: [], extendedTypesEnabled: true };
  const entry = prep(ctx, request);
  dir.append(entry);
  apply(dir.tree, watches, entry);
}

write({ type: OpCode.createSession, timeoutMs: 30_000 });
const create = (path: string, data: string) => ({ type: OpCode.create, request: { path, data: Buffer.from(data), acl: OPEN, flags: 0 } }) as const;
for (;;) {
  // A burst per turn of the event loop, so batches of several txns share one fdatasync.
  for (let i = 0; i < 1 + Math.floor(Math.random() * 30); i++) {
    const z = zxid + 1n;
    write({ type: OpCode.multi, ops: [create(`/a-${z}`, `${z}`), create(`/b-${z}`, 'x'.repeat(Number(z % 200n)))] });
  }
  // Bounded outstanding writes, as a server has: wait for the disk when too much is queued.
  if (zxid - dir.durableZxid > 200n) await dir.flush();
  else await new Promise((resolve) => setImmediate(resolve));
}
