import { mkdir, open, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Small durable-file helpers. A file that must appear whole (snapshot, epoch) is written under a
 * temporary name, synced, renamed, and its directory synced so the rename itself survives a crash.
 */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(dir: string, name: string, data: Uint8Array, sync: boolean): Promise<void> {
  const tmp = join(dir, `${TMP_PREFIX}${name}`);
  const handle = await open(tmp, 'w');
  try {
    await handle.write(data, 0, data.length, 0);
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, join(dir, name));
  if (sync) await syncDir(dir);
}

/** Temporary files start with this, so ZooKeeper's `snapshot.`/`log.` listings never see them. */
export const TMP_PREFIX = 'tmp.';

export async function listDir(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return readdir(dir);
}
