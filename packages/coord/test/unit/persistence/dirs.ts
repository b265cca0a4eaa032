import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { apply } from '../../../src/server/apply.js';
import { openDataDir, type DataDir, type DataDirOptions } from '../../../src/server/persistence/data-dir.js';
import type { TxnEntry } from '../../../src/server/txn.js';
import { WatchTable } from '../../../src/server/watch-table.js';

/** Temporary dataDirs removed after each test, and a server-like writer for the facade. */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'coordlab-persist-'));
  dirs.push(d);
  return d;
}

export const SMALL: Partial<DataDirOptions> = { preAllocSizeBytes: 4096, extendedTypesEnabled: true, forceSync: false };

export async function open(dataDir: string, extra: Partial<DataDirOptions> = {}): Promise<DataDir> {
  return openDataDir({ dataDir, ...SMALL, ...extra });
}

/** What a server does per write: log, then apply to the same tree. */
export function write(dir: DataDir, entries: readonly TxnEntry[]): void {
  const watches = { data: new WatchTable(), child: new WatchTable() };
  for (const entry of entries) {
    dir.append(entry);
    apply(dir.tree, watches, entry);
  }
}
