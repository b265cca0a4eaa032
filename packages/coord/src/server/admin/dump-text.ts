import { javaDate, javaHex } from './format.js';
import { socketAddress } from './stat-text.js';
import type { ServerStatsSource } from './stats-source.js';

/** Sessions grouped by expiry time, earliest first (ExpiryQueue's buckets). */
export function sessionsByExpiry(source: ServerStatsSource): [number, bigint[]][] {
  const buckets = new Map<number, bigint[]>();
  for (const s of source.sessions()) {
    const list = buckets.get(s.expiresAtMs);
    if (list === undefined) buckets.set(s.expiresAtMs, [s.id]);
    else list.push(s.id);
  }
  return [...buckets].sort(([a], [b]) => a - b);
}

/** ExpiryQueue.dump: `Sets (buckets)/(elements):`, then each bucket and its members. */
function expiryDump(buckets: readonly [number, string[]][]): string {
  const elements = buckets.reduce((n, [, items]) => n + items.length, 0);
  const lines = buckets.map(([at, items]) => `${items.length} expire at ${javaDate(at)}:\n${items.map((i) => `\t${i}\n`).join('')}`);
  return `Sets (${buckets.length})/(${elements}):\n${lines.join('')}`;
}

/**
 * `dump`: sessions by expiry, ephemerals by session, and connections by expiry. A connection
 * expires with its session; one still in its handshake is listed at "now".
 */
export function dumpText(source: ServerStatsSource): string {
  const sessions = sessionsByExpiry(source).map(([at, ids]): [number, string[]] => [at, ids.map((id) => `0x${javaHex(id)}`)]);
  const ephemerals = [...source.ephemerals()];
  const expiryOf = new Map(source.sessions().map((s) => [s.id, s.expiresAtMs]));
  const now = source.nowMs();
  const cnxnBuckets = new Map<number, string[]>();
  for (const c of source.connections()) {
    const at = expiryOf.get(c.sessionId) ?? now;
    const line = `ip: ${socketAddress(c)} sessionId: 0x${javaHex(c.sessionId)}`;
    cnxnBuckets.set(at, [...(cnxnBuckets.get(at) ?? []), line]);
  }
  return [
    'SessionTracker dump:\n',
    `Session ${expiryDump(sessions)}`,
    'ephemeral nodes dump:\n',
    `Sessions with Ephemerals (${ephemerals.length}):\n`,
    ...ephemerals.map(([owner, paths]) => `0x${javaHex(owner)}:\n${paths.map((p) => `\t${p}\n`).join('')}`),
    'Connections dump:\n',
    `Connections ${expiryDump([...cnxnBuckets].sort(([a], [b]) => a - b))}`,
  ].join('');
}

/** `conf` (ZooKeeperServer.dumpConf). */
export function confText(source: ServerStatsSource): string {
  const c = source.config();
  return [
    `clientPort=${c.clientPort}`,
    `secureClientPort=${c.secureClientPort}`,
    `dataDir=${c.dataDir}`,
    `dataDirSize=${source.dataDirSizeBytes()}`,
    `dataLogDir=${c.dataLogDir}`,
    `dataLogSize=${source.logDirSizeBytes()}`,
    `tickTime=${c.tickTimeMs}`,
    `maxClientCnxns=${c.maxClientCnxns}`,
    `minSessionTimeout=${c.minSessionTimeoutMs}`,
    `maxSessionTimeout=${c.maxSessionTimeoutMs}`,
    `clientPortListenBacklog=${c.clientPortListenBacklog}`,
    `serverId=${c.serverId}`,
    '',
  ].join('\n');
}

/** `dirs`. */
export function dirsText(source: ServerStatsSource): string {
  return `datadir_size: ${source.dataDirSizeBytes()}\nlogdir_size: ${source.logDirSizeBytes()}\n`;
}
