/**
 * What `coord bench server` prints: the context lines, the result table (rows workload ×
 * outstanding requests plus the watch-notification row; columns per server; ratios of coord to
 * Apache ZooKeeper) and the CPU table. Pure: it formats the numbers it is given.
 */
import type { Summary } from './latency.js';
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

/** Every ratio has coord as the subject and reads the same way: above 1.00x, coord is better. */
export const SUBJECT: ServerName = 'coord';
export const REFERENCE: ServerName = 'apache';
/** The `outstanding` of the watch row. */
export const WATCH_CONCURRENCY = 1;

/** The exact durability statement the report carries (DESIGN.md: say what was compared). */
export const DURABILITY_NOTE =
  'coord runs without fsync (in-memory server; durability is a later issue); Apache ZooKeeper runs with forceSync=no in the testing kit ' +
  '(it still writes its transaction log and periodic snapshots to a temporary directory, but does not fsync the log).';

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

/** The text printed on stdout. */
export function renderServerReport(report: ServerBenchReport): string {
  const { environment: env, settings } = report;
  const lines = [
    `coord bench server, ${report.date}`,
    `command: ${report.command}`,
    ...report.servers.map(
      (s) => `server ${s.name}: ${s.how}, ${s.version === undefined ? 'version unknown' : `version ${s.version}`}, at ${s.connectString}, pid ${s.pid}, RSS at end ${formatMiB(s.rssBytesAtEnd)}`,
    ),
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
  if (report.strayNotifications > 0) lines.push(`warning: ${report.strayNotifications} watch notification(s) arrived with no setData waiting for them`);
  for (const f of report.results) if (f.error !== undefined) lines.push(`error: ${f.workload} x${f.concurrency} ${f.server}: ${f.error}`);
  return `${lines.join('\n')}\n`;
}
