import type { Stat } from '../../client/types.js';

/** A 64-bit id as Java's Long.toHexString prints it: two's complement, no padding. */
export function hex64(value: bigint): string {
  return `0x${BigInt.asUintN(64, value).toString(16)}`;
}

/**
 * Milliseconds since the epoch as java.util.Date#toString prints them
 * (`EEE MMM dd HH:mm:ss zzz yyyy`, e.g. `Thu Jan 01 00:00:00 UTC 1970`), in `timeZone`
 * (default: the process's local zone, as the JVM uses). Zone names are the ICU short names, so
 * some zones print as `GMT+1` where Java would print `CET`.
 */
export function formatJavaDate(epochMs: bigint | number, timeZone?: string): string {
  const date = new Date(Number(epochMs));
  if (Number.isNaN(date.getTime())) return `Invalid Date (${String(epochMs)})`;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    year: 'numeric',
    timeZoneName: 'short',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('month')} ${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${part('timeZoneName')} ${part('year')}`;
}

/** A Stat in zkCli's StatPrinter layout, one `name = value` per line. */
export function formatStat(stat: Stat, timeZone?: string): string[] {
  return [
    `cZxid = ${hex64(stat.czxid)}`,
    `ctime = ${formatJavaDate(stat.ctime, timeZone)}`,
    `mZxid = ${hex64(stat.mzxid)}`,
    `mtime = ${formatJavaDate(stat.mtime, timeZone)}`,
    `pZxid = ${hex64(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = ${hex64(stat.ephemeralOwner)}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ];
}
