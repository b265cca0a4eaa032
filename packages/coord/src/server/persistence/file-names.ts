/**
 * ZooKeeper's file naming in a version-2 directory: `log.<zxid>` and `snapshot.<zxid>`, the zxid
 * in lower-case hex without padding (Long.toHexString), plus the epoch files of a quorum peer.
 */
export const VERSION_DIR = 'version-2';
export const LOG_PREFIX = 'log';
export const SNAPSHOT_PREFIX = 'snapshot';
export const ACCEPTED_EPOCH_FILE = 'acceptedEpoch';
export const CURRENT_EPOCH_FILE = 'currentEpoch';

export function fileName(prefix: typeof LOG_PREFIX | typeof SNAPSHOT_PREFIX, zxid: bigint): string {
  return `${prefix}.${BigInt.asUintN(64, zxid).toString(16)}`;
}

/**
 * The zxid in a name like `log.1a` or `snapshot.1a` (Util.getZxidFromName); undefined for other
 * names, including compressed snapshots (`.gz`, `.snappy`), which coord does not write or read.
 */
export function zxidOfName(name: string, prefix: typeof LOG_PREFIX | typeof SNAPSHOT_PREFIX): bigint | undefined {
  const m = /^([a-z]+)\.([0-9a-f]{1,16})$/.exec(name);
  if (m === null || m[1] !== prefix) return undefined;
  return BigInt.asIntN(64, BigInt(`0x${m[2] as string}`));
}

/** Names with `prefix`, sorted by zxid, oldest first. */
export function sortedByZxid(names: readonly string[], prefix: typeof LOG_PREFIX | typeof SNAPSHOT_PREFIX): Array<{ name: string; zxid: bigint }> {
  const out: Array<{ name: string; zxid: bigint }> = [];
  for (const name of names) {
    const zxid = zxidOfName(name, prefix);
    if (zxid !== undefined) out.push({ name, zxid });
  }
  return out.sort((a, b) => (a.zxid < b.zxid ? -1 : a.zxid > b.zxid ? 1 : 0));
}

/**
 * The log files recovery must read after a snapshot at `snapZxid` (FileTxnLog.getLogFiles): the
 * newest log starting at or before it (it may hold txns after it) and every later one.
 */
export function logsAfter(logs: ReadonlyArray<{ name: string; zxid: bigint }>, snapZxid: bigint): Array<{ name: string; zxid: bigint }> {
  let first = 0;
  for (let i = 0; i < logs.length; i++) if ((logs[i] as { zxid: bigint }).zxid <= snapZxid) first = i;
  return logs.slice(first);
}
