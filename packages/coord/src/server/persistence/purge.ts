import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LOG_PREFIX, logsAfter, SNAPSHOT_PREFIX, sortedByZxid } from './file-names.js';
import { listDir } from './fs-util.js';

/**
 * PurgeTxnLog.purge: keep the `retain` newest snapshots and the logs recovery from the oldest of
 * them needs (the newest log starting at or before it, and every later log); delete the rest.
 * Returns the names removed.
 */
export async function purge(snapDir: string, logDir: string, retain: number): Promise<string[]> {
  if (!Number.isInteger(retain) || retain < 1) throw new RangeError(`snapRetainCount must be at least 1, got ${retain}`);
  const snaps = sortedByZxid(await listDir(snapDir), SNAPSHOT_PREFIX);
  if (snaps.length <= retain) return [];
  const kept = snaps.slice(snaps.length - retain);
  const oldestKept = (kept[0] as { zxid: bigint }).zxid;
  const logs = sortedByZxid(await listDir(logDir), LOG_PREFIX);
  const keptLogs = new Set(logsAfter(logs, oldestKept).map((l) => l.name));
  const removed: string[] = [];
  for (const s of snaps.slice(0, snaps.length - retain)) {
    await rm(join(snapDir, s.name), { force: true });
    removed.push(s.name);
  }
  for (const l of logs) {
    if (keptLogs.has(l.name) || l.zxid > oldestKept) continue;
    await rm(join(logDir, l.name), { force: true });
    removed.push(l.name);
  }
  return removed;
}
