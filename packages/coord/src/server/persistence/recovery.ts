import { readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataTree } from '../data-tree.js';
import type { TxnEntry } from '../txn.js';
import { RecoveryRefusedError } from './errors.js';
import { LOG_PREFIX, logsAfter, SNAPSHOT_PREFIX, sortedByZxid } from './file-names.js';
import { listDir, TMP_PREFIX } from './fs-util.js';
import { replayTxn } from './replay.js';
import { looksSealed } from './snapshot-format.js';
import { treeOfSnapshot } from './snapshot-tree.js';
import { checkLogHeader, isUnwrittenLog, scanLog } from './txn-log-format.js';

/**
 * Recovery (FileTxnSnapLog.restore): the newest snapshot that verifies, then every logged txn
 * after its zxid. A torn tail of the newest log (a crash mid-write) is cut back to the last whole
 * entry; anything else that does not verify stops recovery with an error naming the file and
 * offset, because serving a tree that silently lost acknowledged writes is worse than not starting.
 */
export interface RecoveryOptions {
  readonly snapDir: string;
  readonly logDir: string;
  readonly makeTree: () => DataTree;
  /** Keep up to this many of the newest replayed txns in `recentTxns` (a quorum peer's DIFF history). Default 0. */
  readonly keepTxns?: number;
  readonly log?: (level: 'info' | 'warn', message: string) => void;
}

export interface Recovered {
  readonly tree: DataTree;
  readonly sessions: Map<bigint, number>;
  readonly lastZxid: bigint;
  /** The snapshot loaded, or undefined for an empty dataDir. */
  readonly snapshot: string | undefined;
  readonly txnsReplayed: number;
  /** Log files cut back to their last whole entry, with the offset they were cut at. */
  readonly truncated: ReadonlyArray<{ readonly file: string; readonly offset: number }>;
  /** The newest replayed txns (at most `keepTxns`), oldest first. */
  readonly recentTxns: readonly TxnEntry[];
  /** The zxid the tree had before recentTxns[0]. */
  readonly recentBase: bigint;
}

async function loadNewestSnapshot(snapDir: string, makeTree: () => DataTree, log: RecoveryOptions['log']) {
  const snaps = sortedByZxid(await listDir(snapDir), SNAPSHOT_PREFIX).reverse();
  const rejected: string[] = [];
  for (const snap of snaps) {
    const file = join(snapDir, snap.name);
    const bytes = await readFile(file);
    try {
      if (!looksSealed(bytes)) throw new Error('does not end with the "/" seal (incomplete write?)');
      const { tree, sessions } = treeOfSnapshot(bytes, makeTree);
      tree.lastProcessedZxid = snap.zxid;
      return { file, tree, sessions, rejected };
    } catch (err) {
      const why = `${file}: ${(err as Error).message}`;
      log?.('warn', `skipping invalid snapshot ${why}`);
      rejected.push(why);
    }
  }
  return { file: undefined, tree: undefined, sessions: undefined, rejected };
}

export async function recover(options: RecoveryOptions): Promise<Recovered> {
  const { snapDir, logDir, makeTree, log } = options;
  for (const dir of new Set([snapDir, logDir])) {
    for (const name of await listDir(dir)) if (name.startsWith(TMP_PREFIX)) await rm(join(dir, name), { force: true });
  }
  const logs = sortedByZxid(await listDir(logDir), LOG_PREFIX);
  const loaded = await loadNewestSnapshot(snapDir, makeTree, log);
  if (loaded.tree === undefined && logs.length > 0) {
    const first = join(logDir, (logs[0] as { name: string }).name);
    const why = loaded.rejected.length === 0 ? 'there is no snapshot' : `no snapshot is valid (${loaded.rejected.join('; ')})`;
    throw new RecoveryRefusedError(`refusing to start: ${why} but txn logs exist (first: ${first}); restoring them onto an empty tree could lose data`, first);
  }
  if (loaded.tree === undefined && loaded.rejected.length > 0) {
    // Snapshots are renamed into place whole, so a bad one is damage, not a crash mid-write:
    // starting empty would silently drop the tree it held.
    throw new RecoveryRefusedError(`refusing to start: no snapshot is valid (${loaded.rejected.join('; ')}) and there are no txn logs to rebuild from`, snapDir);
  }
  const tree = loaded.tree ?? makeTree();
  const sessions = loaded.sessions ?? new Map<bigint, number>();
  const truncated: Array<{ file: string; offset: number }> = [];
  let replayed = 0;
  const keep = Math.max(0, options.keepTxns ?? 0);
  let recent: TxnEntry[] = [];
  let recentBase = tree.lastProcessedZxid;

  const toRead = logsAfter(logs, tree.lastProcessedZxid);
  for (let i = 0; i < toRead.length; i++) {
    const file = join(logDir, (toRead[i] as { name: string }).name);
    const isLast = i === toRead.length - 1;
    const bytes = await readFile(file);
    const headerProblem = checkLogHeader(bytes);
    if (headerProblem !== undefined) {
      // A crash while the newest log's first write was under way leaves part of its header and
      // zeros: no txn in it was ever written, let alone acknowledged.
      if (isLast && isUnwrittenLog(bytes)) {
        await rm(file);
        log?.('warn', `removed ${file}: ${headerProblem}`);
        continue;
      }
      throw new RecoveryRefusedError(`refusing to start: ${file} is not a txn log: ${headerProblem}`, file, 0);
    }
    const scan = scanLog(bytes);
    if (scan.tail.kind === 'corrupt' || (scan.tail.kind === 'torn' && !isLast)) {
      throw new RecoveryRefusedError(
        `refusing to start: txn log ${file} is corrupt at byte offset ${scan.tail.offset} (${scan.tail.reason}); ${scan.entries.length} whole entries precede it`,
        file,
        scan.tail.offset,
      );
    }
    for (const { logged } of scan.entries) {
      const zxid = logged.entry.header.zxid;
      if (zxid <= tree.lastProcessedZxid) continue;
      const last = tree.lastProcessedZxid;
      if (zxid >> 32n === last >> 32n && zxid !== last + 1n && last !== 0n) {
        throw new RecoveryRefusedError(`refusing to start: txn 0x${zxid.toString(16)} in ${file} follows 0x${last.toString(16)}; txns are missing`, file);
      }
      replayTxn(tree, sessions, logged.entry);
      replayed++;
      if (keep > 0) {
        recent.push(logged.entry);
        if (recent.length > 2 * keep) {
          recentBase = (recent[recent.length - keep - 1] as TxnEntry).header.zxid;
          recent = recent.slice(-keep);
        }
      }
    }
    if (scan.tail.kind === 'torn') {
      log?.('warn', `truncating torn tail of ${file} at byte offset ${scan.tail.offset} (${scan.tail.reason})`);
      if (scan.entries.length === 0) await rm(file);
      else await truncate(file, scan.tail.offset);
      truncated.push({ file, offset: scan.tail.offset });
    }
  }
  if (recent.length > keep) {
    recentBase = (recent[recent.length - keep - 1] as TxnEntry).header.zxid;
    recent = recent.slice(-keep);
  }
  return { tree, sessions, lastZxid: tree.lastProcessedZxid, snapshot: loaded.file, txnsReplayed: replayed, truncated, recentTxns: recent, recentBase };
}
