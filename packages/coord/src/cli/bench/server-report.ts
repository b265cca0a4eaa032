/**
 * What `coord bench server` prints: the context lines, the result table (rows workload ×
 * outstanding requests plus the watch-notification row; columns per server; ratios of coord to
 * Apache ZooKeeper) and the CPU table. Pure: it formats the numbers it is given.
 */
import type { Summary } from './latency.js';
import { CHILDREN_PER_PARENT, CREATES_PER_MULTI, LOAD_CONCURRENCY, RESTART_DATA_BYTES, type RestartResult } from './server-restart-plan.js';
import { describeStop } from './options.js';
import type { ServerBenchOptions, ServerName, ServerWorkloadName } from './server-options.js';
import { formatMs, formatOpsPerSec, formatRatio, renderMarkdown } from './table.js';

export interface ServerCellResult {
  readonly workload: ServerWorkloadName;
  /** Outstanding requests; 1 for `watch` (one setData at a time). */
  readonly concurrency: number;
  readonly server: ServerName;
  /** Absent when the cell failed. Its cpuUsPerOp is the bench (client) process's. */
  readonly summary?: Summary;
  /** The server process's CPU time per op in µs, over the measured loops; null when not measured. */
  readonly serverCpuUsPerOp: number | null;
  readonly error?: string;
}

export interface ServerInfo {
  readonly name: ServerName;
  readonly connectString: string;
  readonly pid: number;
  /** As `srvr` reports it. */
  readonly version: string | undefined;
  /** How it was started, for the header. */
  readonly how: string;
  /** Resident memory at the end of the run, in bytes. */
  readonly rssBytesAtEnd: number | null;
}

export interface ServerBenchReport {
  readonly date: string;
  readonly command: string;
  readonly environment: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly loadAverage: { readonly start: number; readonly end: number };
  };
  readonly servers: readonly ServerInfo[];
  readonly durability: string;
  readonly settings: Omit<ServerBenchOptions, 'jsonPath'>;
  readonly results: readonly ServerCellResult[];
  readonly ratios: readonly ServerRatioRow[];
  /** Watch notifications that arrived with no write waiting for them (expected 0). */
  readonly strayNotifications: number;
  /** The restart row, one per server; empty when skipped (--restart-znodes 0). */
  readonly restarts: readonly RestartResult[];
  /** Wall time of the whole run. */
  readonly elapsedSeconds: number;
}

export interface ServerRatioRow {
  readonly workload: ServerWorkloadName;
  readonly concurrency: number;
  /** coord ops/s ÷ apache ops/s. */
  readonly throughputRatio: number | null;
  /** apache p50 ÷ coord p50. */
  readonly p50Ratio: number | null;
  /** apache p99 ÷ coord p99. */
  readonly p99Ratio: number | null;
  /** apache server CPU per op ÷ coord server CPU per op. */
  readonly serverCpuRatio: number | null;
}

/** How the restart row's tree is made, for the report. */
export const RESTART_SHAPE = `parents of ${CHILDREN_PER_PARENT} children each with ${RESTART_DATA_BYTES}-byte data, created by multis of ${CREATES_PER_MULTI} creates, ${LOAD_CONCURRENCY} in flight`;

/** Every ratio has coord as the subject and reads the same way: above 1.00x, coord is better. */
export const SUBJECT: ServerName = 'coord';
export const REFERENCE: ServerName = 'apache';
/** The `outstanding` of the watch row. */
export const WATCH_CONCURRENCY = 1;

/** The exact durability statement the report carries (DESIGN.md: say what was compared). */
export function durabilityNote(fsync: boolean): string {
  return fsync
    ? 'fsync ON for both: coord persists to a temporary dataDir with forceSync on (a write is acknowledged after its group commit is fdatasync-ed); ' +
        'Apache ZooKeeper runs with forceSync=yes (a write is acknowledged after its log batch is fsync-ed).'
    : 'fsync OFF for both (--fsync off): coord persists to a temporary dataDir with forceSync off; Apache ZooKeeper runs with forceSync=no; ' +
        'both still write their transaction logs and snapshots, but an acknowledged write may be lost on power failure.';
}

const MISSING = '-';

/** The table's rows in order: every request workload at every concurrency, then the watch row. */
export function rowKeys(settings: Pick<ServerBenchOptions, 'workloads' | 'concurrency' | 'watch'>): { workload: ServerWorkloadName; concurrency: number }[] {
  const rows: { workload: ServerWorkloadName; concurrency: number }[] = settings.workloads.flatMap((workload) =>
    settings.concurrency.map((concurrency) => ({ workload, concurrency })),
  );
  if (settings.watch) rows.push({ workload: 'watch', concurrency: WATCH_CONCURRENCY });
  return rows;
}

export function findServerCell(results: readonly ServerCellResult[], workload: ServerWorkloadName, concurrency: number, server: ServerName): ServerCellResult | undefined {
  return results.find((r) => r.workload === workload && r.concurrency === concurrency && r.server === server);
}

/** `numerator / denominator` when both are positive finite numbers, else NaN. */
export function safeRatio(numerator: number | null | undefined, denominator: number | null | undefined): number {
  if (numerator === null || numerator === undefined || denominator === null || denominator === undefined) return Number.NaN;
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || !(denominator > 0) || !(numerator >= 0)) return Number.NaN;
  return numerator / denominator;
}

/** The four ratios of one row, each oriented so that above 1 coord is better. NaN where a side is missing. */
export function rowRatios(results: readonly ServerCellResult[], workload: ServerWorkloadName, concurrency: number): { throughput: number; p50: number; p99: number; serverCpu: number } {
  const coord = findServerCell(results, workload, concurrency, SUBJECT);
  const apache = findServerCell(results, workload, concurrency, REFERENCE);
  return {
    throughput: safeRatio(coord?.summary?.opsPerSec, apache?.summary?.opsPerSec),
    p50: safeRatio(apache?.summary?.p50Ms, coord?.summary?.p50Ms),
    p99: safeRatio(apache?.summary?.p99Ms, coord?.summary?.p99Ms),
    serverCpu: safeRatio(apache?.summary === undefined ? null : apache.serverCpuUsPerOp, coord?.summary === undefined ? null : coord.serverCpuUsPerOp),
  };
}

export function serverRatioRows(settings: Pick<ServerBenchOptions, 'workloads' | 'concurrency' | 'watch' | 'servers'>, results: readonly ServerCellResult[]): ServerRatioRow[] {
  if (!hasRatios(settings.servers)) return [];
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return rowKeys(settings).map(({ workload, concurrency }) => {
    const r = rowRatios(results, workload, concurrency);
    return { workload, concurrency, throughputRatio: finite(r.throughput), p50Ratio: finite(r.p50), p99Ratio: finite(r.p99), serverCpuRatio: finite(r.serverCpu) };
  });
}

function hasRatios(servers: readonly ServerName[]): boolean {
  return servers.includes(SUBJECT) && servers.includes(REFERENCE);
}

function formatCpu(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? MISSING : value.toFixed(1);
}

export function formatServerResultTable(settings: Pick<ServerBenchOptions, 'workloads' | 'concurrency' | 'watch' | 'servers'>, results: readonly ServerCellResult[]): string {
  const ratios = hasRatios(settings.servers);
  const header = ['workload', 'outstanding'];
  for (const s of settings.servers) header.push(`${s} ops/s`, `${s} p50 ms`, `${s} p99 ms`);
  if (ratios) header.push(`${SUBJECT}/${REFERENCE} ops/s`, `${REFERENCE}/${SUBJECT} p50`, `${REFERENCE}/${SUBJECT} p99`);
  const rows = rowKeys(settings).map(({ workload, concurrency }) => {
    const row = [workload === 'watch' ? 'watch notify' : workload, String(concurrency)];
    for (const server of settings.servers) {
      const cell = findServerCell(results, workload, concurrency, server);
      if (cell?.summary === undefined) row.push(cell?.error === undefined ? MISSING : 'error', MISSING, MISSING);
      else row.push(formatOpsPerSec(cell.summary.opsPerSec), formatMs(cell.summary.p50Ms), formatMs(cell.summary.p99Ms));
    }
    if (ratios) {
      const r = rowRatios(results, workload, concurrency);
      row.push(formatRatio(r.throughput), formatRatio(r.p50), formatRatio(r.p99));
    }
    return row;
  });
  return renderMarkdown(header, rows, 2);
}

export function formatServerCpuTable(settings: Pick<ServerBenchOptions, 'workloads' | 'concurrency' | 'watch' | 'servers'>, results: readonly ServerCellResult[]): string {
  const ratios = hasRatios(settings.servers);
  const header = ['workload', 'outstanding', ...settings.servers.map((s) => `${s} server µs/op`)];
  if (ratios) header.push(`${REFERENCE}/${SUBJECT} server CPU`);
  header.push(...settings.servers.map((s) => `client µs/op vs ${s}`));
  const rows = rowKeys(settings).map(({ workload, concurrency }) => {
    const row = [workload === 'watch' ? 'watch notify' : workload, String(concurrency)];
    const cells = settings.servers.map((s) => findServerCell(results, workload, concurrency, s));
    for (const cell of cells) row.push(cell?.summary === undefined ? MISSING : formatCpu(cell.serverCpuUsPerOp));
    if (ratios) row.push(formatRatio(rowRatios(results, workload, concurrency).serverCpu));
    for (const cell of cells) row.push(formatCpu(cell?.summary?.cpuUsPerOp));
    return row;
  });
  return renderMarkdown(header, rows, 2);
}

function formatMiB(bytes: number | null): string {
  return bytes === null ? 'unknown' : `${Math.round(bytes / (1024 * 1024))} MiB`;
}

function formatSeconds(seconds: number | null): string {
  return seconds === null || !Number.isFinite(seconds) ? MISSING : seconds.toFixed(2);
}

/** apache restart seconds ÷ coord's; above 1 coord restarts faster. NaN when either is missing. */
export function restartRatio(restarts: readonly RestartResult[]): number {
  const coord = restarts.find((r) => r.server === SUBJECT);
  const apache = restarts.find((r) => r.server === REFERENCE);
  return safeRatio(apache?.restartSeconds, coord?.restartSeconds);
}

/** One row per server: restart time, load time, what was replayed and memory. */
export function formatRestartTable(restarts: readonly RestartResult[]): string {
  const header = ['server', 'znodes', 'restart s', 'snapshots', 'txns replayed', 'RSS after restart', 'RSS before stop', 'load s'];
  const rows = restarts.map((r) => [
    r.server,
    String(r.znodes),
    r.error === undefined ? formatSeconds(r.restartSeconds) : 'error',
    r.snapshots === null ? MISSING : String(r.snapshots),
    r.replayedTxns === null ? MISSING : String(r.replayedTxns),
    r.rssAfterRestartBytes === null ? MISSING : formatMiB(r.rssAfterRestartBytes),
    r.rssBeforeStopBytes === null ? MISSING : formatMiB(r.rssBeforeStopBytes),
    formatSeconds(r.loadSeconds),
  ]);
  return renderMarkdown(header, rows, 2);
}

/** The text printed on stdout. */
export function renderServerReport(report: ServerBenchReport): string {
  const { environment: env, settings } = report;
  const lines = [
    `coord bench server, ${report.date}`,
    `command: ${report.command}`,
    ...report.servers.map(
      (s) => `server ${s.name}: ${s.how}, ${s.version === undefined ? 'version unknown' : `version ${s.version}`}, at ${s.connectString}, pid ${s.pid}, RSS at end ${formatMiB(s.rssBytesAtEnd)}`,
    ),
    `fsync: ${settings.fsync ? 'ON' : 'OFF'} — coord forceSync ${settings.fsync ? 'on' : 'off'}, Apache ZooKeeper forceSync=${settings.fsync ? 'yes' : 'no'}`,
    `durability: ${report.durability}`,
    `client: coord's own client (this repository), in the bench process, the same for every server`,
    `host: node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), load average ${env.loadAverage.start.toFixed(2)} at start, ${env.loadAverage.end.toFixed(2)} at end`,
    `settings: ${settings.rounds} round(s) of ${describeStop(settings.stop)} after a ${settings.warmupMs} ms warm-up, ${settings.serverWarmupMs} ms of unmeasured load per server before round 1, ${settings.dataBytes}-byte data, a fresh session per server per cell and round, shared by the workers`,
  ];
  const ratios = hasRatios(settings.servers);
  lines.push('', formatServerResultTable(settings, report.results), '');
  lines.push('ops/s: median over the rounds; p50/p99: over every op of every round.');
  if (settings.watch) {
    lines.push(
      'watch notify: one session holds a persistent watch on a node, another sets its data, one setData at a time; latency = from the setData call to the watcher callback; ops/s = notifications per second.',
    );
  }
  if (ratios) {
    lines.push(
      `Ratios, same run, same client, same machine; above 1.00x ${SUBJECT} is faster: ${SUBJECT}/${REFERENCE} ops/s = ${SUBJECT} throughput ÷ ${REFERENCE}'s; ${REFERENCE}/${SUBJECT} p50 and p99 = ${REFERENCE} latency ÷ ${SUBJECT}'s.`,
    );
  }
  lines.push('', 'CPU per op: each server process (user + system, all threads, from /proc/<pid>/stat), and the bench process that runs the client:', '');
  lines.push(formatServerCpuTable(settings, report.results), '');
  if (ratios) lines.push(`${REFERENCE}/${SUBJECT} server CPU = ${REFERENCE}'s CPU per op ÷ ${SUBJECT}'s; above 1.00x the ${SUBJECT} server spends less CPU per op.`);
  if (report.restarts.length > 0) {
    lines.push('', `Restart with ${report.restarts[0]?.znodes ?? 0} znodes (snapshot load + log replay), fsync ${settings.fsync ? 'on' : 'off'}:`, '');
    lines.push(formatRestartTable(report.restarts), '');
    if (hasRatios(settings.servers)) lines.push(`${REFERENCE}/${SUBJECT} restart time: ${formatRatio(restartRatio(report.restarts))} (above 1.00x ${SUBJECT} restarts faster)`);
    lines.push(
      `restart s: from starting the server process (node / java) until a new session's getData of the last znode answered, on the dataDir the stopped server left. ` +
        `The load: ${RESTART_SHAPE}; then setData tail writes, so the newest snapshot is followed by a log tail; snapCount is set so both servers snapshot several times during the load ` +
        `(each randomises when, as ZooKeeper does, hence "txns replayed" differs). The dataDirs were just written, so they are in the page cache.`,
    );
  }
  if (report.strayNotifications > 0) lines.push(`warning: ${report.strayNotifications} watch notification(s) arrived with no setData waiting for them`);
  for (const f of report.results) if (f.error !== undefined) lines.push(`error: ${f.workload} x${f.concurrency} ${f.server}: ${f.error}`);
  for (const r of report.restarts) if (r.error !== undefined) lines.push(`error: restart ${r.server}: ${r.error}`);
  lines.push(`run took ${(report.elapsedSeconds / 60).toFixed(1)} min`);
  return `${lines.join('\n')}\n`;
}
