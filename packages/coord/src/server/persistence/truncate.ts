import { readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { PersistenceFormatError } from './errors.js';
import { LOG_PREFIX, SNAPSHOT_PREFIX, sortedByZxid } from './file-names.js';
import { listDir, syncDir } from './fs-util.js';
import { checkLogHeader, isUnwrittenLog, scanLog } from './txn-log-format.js';

/**
 * Cuts a dataDir back so that nothing after `zxid` is left in it (FileTxnSnapLog.truncateLog,
 * FileTxnLog.truncate): a quorum peer does this when its leader sends TRUNC, because the txns
 * after `zxid` were never committed and must not come back at the next recovery. Log files that
 * start after `zxid` are removed, the one holding it is cut right after its entry, and snapshots
 * taken after `zxid` are removed too (they may hold the txns being dropped). The log writer must
 * be closed while this runs.
 */
export interface Truncation {
  /** Files removed, oldest first. */
  readonly removed: readonly string[];
  /** The log cut after `zxid`, with the byte offset it was cut at, if a cut was needed. */
  readonly cut: { readonly file: string; readonly offset: number } | undefined;
}

export async function truncateDataDir(snapDir: string, logDir: string, zxid: bigint): Promise<Truncation> {
  const removed: string[] = [];
  let cut: Truncation['cut'];
  const logs = sortedByZxid(await listDir(logDir), LOG_PREFIX);
  for (const log of logs) {
    const file = join(logDir, log.name);
    if (log.zxid > zxid) {
      await rm(file, { force: true });
      removed.push(file);
      continue;
    }
    const bytes = await readFile(file);
    const headerProblem = checkLogHeader(bytes);
    if (headerProblem !== undefined) {
      // A log that never got its header holds nothing; anything else is damage we must not hide.
      if (isUnwrittenLog(bytes)) continue;
      throw new PersistenceFormatError(`cannot truncate ${file}: ${headerProblem}`);
    }
    const scan = scanLog(bytes);
    const firstAfter = scan.entries.find((e) => e.logged.entry.header.zxid > zxid);
    if (firstAfter === undefined && scan.tail.kind === 'corrupt') {
      // Entries we must keep may lie behind the damage: recovery will refuse this dataDir, so do we.
      throw new PersistenceFormatError(`cannot truncate ${file}: corrupt at byte offset ${scan.tail.offset} (${scan.tail.reason})`);
    }
    // Cut after the last entry kept; this also drops a torn tail.
    const offset = firstAfter?.offset ?? (scan.tail.kind === 'torn' ? scan.tail.offset : undefined);
    if (offset === undefined) continue;
    await truncate(file, offset);
    cut = { file, offset };
  }
  for (const snap of sortedByZxid(await listDir(snapDir), SNAPSHOT_PREFIX)) {
    if (snap.zxid <= zxid) continue;
    const file = join(snapDir, snap.name);
    await rm(file, { force: true });
    removed.push(file);
  }
  await syncDir(logDir);
  if (snapDir !== logDir) await syncDir(snapDir);
  return { removed, cut };
}
