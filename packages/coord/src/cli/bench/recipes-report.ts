/**
 * The result of `coord bench recipes` and its one table. Pure: it formats numbers it is given.
 * Every row is measured on coord and on Apache ZooKeeper in the same run; the ratio column is
 * apache/coord for times and coord/apache for rates, so above 1.00x coord is better either way.
 */
import { median, percentile, summarizeRounds, type RoundSample, type Summary } from './latency.js';
import type { RecipesBenchOptions } from './recipes-options.js';
import type { ServerName } from './server-options.js';
import { formatMs, formatOpsPerSec, formatRatio, renderMarkdown } from './table.js';

export interface FailoverSummary {
  readonly count: number;
  /** Nearest-rank 50th percentile (an observed value). */
  readonly p50Ms: number;
  /** Mean of the middle two for an even count. */
  readonly medianMs: number;
  readonly maxMs: number;
  readonly samplesMs: readonly number[];
}

export function summarizeFailovers(samplesMs: readonly number[]): FailoverSummary {
  const sorted = Float64Array.from(samplesMs).sort();
  return {
    count: samplesMs.length,
    p50Ms: percentile(sorted, 50),
    medianMs: median(samplesMs),
    maxMs: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
    samplesMs: [...samplesMs],
  };
}

/** One server's numbers; a part that failed has an error instead. */
export interface RecipesServerResult {
  readonly server: ServerName;
  /** Hand-off summary per contender count (ops = hand-offs, opsPerSec = median hand-offs/s over the rounds). */
  readonly handoffs: ReadonlyArray<{ readonly contenders: number; readonly summary?: Summary; readonly error?: string }>;
  readonly graceful: { readonly summary?: FailoverSummary; readonly error?: string };
  readonly crash: { readonly summary?: FailoverSummary; readonly negotiatedTimeoutMs?: number; readonly error?: string };
}

export function handoffSummary(rounds: readonly RoundSample[]): Summary {
  return summarizeRounds(rounds);
}

export type RowKind = 'time' | 'rate';

export interface RecipesRow {
  readonly label: string;
  readonly kind: RowKind;
  readonly coord: number;
  readonly apache: number;
  /** apache/coord for times, coord/apache for rates; NaN when either is missing. */
  readonly ratio: number;
}

/** The ratio of a row: above 1, coord is faster (a shorter time or a higher rate). */
export function rowRatio(kind: RowKind, coord: number, apache: number): number {
  if (!Number.isFinite(coord) || !Number.isFinite(apache)) return Number.NaN;
  if (kind === 'time') return coord > 0 ? apache / coord : Number.NaN;
  return apache > 0 ? coord / apache : Number.NaN;
}

/** The table's rows, in order: per contender count p50, p99, hand-offs/s; then graceful p50/max; then crash median/max. */
export function recipesRows(contenders: readonly number[], results: readonly RecipesServerResult[]): RecipesRow[] {
  const of = (server: ServerName) => results.find((r) => r.server === server);
  const coord = of('coord');
  const apache = of('apache');
  const rows: RecipesRow[] = [];
  const push = (label: string, kind: RowKind, pick: (r: RecipesServerResult) => number | undefined) => {
    const c = coord === undefined ? Number.NaN : (pick(coord) ?? Number.NaN);
    const a = apache === undefined ? Number.NaN : (pick(apache) ?? Number.NaN);
    rows.push({ label, kind, coord: c, apache: a, ratio: rowRatio(kind, c, a) });
  };
  for (const n of contenders) {
    const cell = (r: RecipesServerResult) => r.handoffs.find((h) => h.contenders === n)?.summary;
    push(`lock hand-off, ${n} contender${n === 1 ? '' : 's'}: p50 ms`, 'time', (r) => cell(r)?.p50Ms);
    push(`lock hand-off, ${n} contender${n === 1 ? '' : 's'}: p99 ms`, 'time', (r) => cell(r)?.p99Ms);
    push(`lock hand-off, ${n} contender${n === 1 ? '' : 's'}: hand-offs/s`, 'rate', (r) => cell(r)?.opsPerSec);
  }
  push('leader failover, graceful close: p50 ms', 'time', (r) => r.graceful.summary?.p50Ms);
  push('leader failover, graceful close: max ms', 'time', (r) => r.graceful.summary?.maxMs);
  push('leader failover, crash (4 s session): median ms', 'time', (r) => r.crash.summary?.medianMs);
  push('leader failover, crash (4 s session): max ms', 'time', (r) => r.crash.summary?.maxMs);
  return rows;
}

export function formatRecipesTable(rows: readonly RecipesRow[]): string {
  const header = ['measurement', 'coord', 'Apache', 'ratio (>1 = coord better)'];
  const cells = rows.map((r) => [r.label, format(r.kind, r.coord), format(r.kind, r.apache), formatRatio(r.ratio)]);
  return renderMarkdown(header, cells, 1);
}

function format(kind: RowKind, value: number): string {
  return kind === 'rate' ? formatOpsPerSec(value) : formatMs(value);
}

export interface RecipesBenchReport {
  readonly date: string;
  readonly command: string;
  readonly environment: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly loadAverage: { readonly start: number; readonly end: number };
  };
  readonly servers: ReadonlyArray<{ readonly name: ServerName; readonly how: string; readonly version: string | undefined }>;
  readonly settings: Omit<RecipesBenchOptions, 'jsonPath'>;
  readonly results: readonly RecipesServerResult[];
  readonly rows: readonly RecipesRow[];
  readonly elapsedSeconds: number;
}

/** The text printed on stdout: context lines, the table, how to read it, errors. */
export function renderRecipesReport(report: RecipesBenchReport): string {
  const { environment: env, settings } = report;
  const lines = [
    `coord bench recipes, ${report.date}`,
    `command: ${report.command}`,
    ...report.servers.map((s) => `server ${s.name}: ${s.how}${s.version === undefined ? '' : `, version ${s.version}`}`),
    `host: node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), load average ${env.loadAverage.start.toFixed(2)} at start, ${env.loadAverage.end.toFixed(2)} at end`,
    `settings: ${settings.rounds} round(s) x ${settings.handoffs} measured hand-offs per contender count (${settings.contenders.join(', ')}), ` +
      `${settings.failovers} graceful and ${settings.crashFailovers} crash failovers per server; run took ${report.elapsedSeconds.toFixed(0)} s`,
    '',
    formatRecipesTable(report.rows),
    '',
    'ratio = Apache/coord for times (ms), coord/Apache for rates (hand-offs/s): above 1.00x coord is better.',
    'hand-off: from the holder calling release() to the next holder\'s acquire() resolving; every contender is its own session (one coord client each, all in this process) with its own Mutex on one lock path; it releases as soon as it holds. With 1 contender: release then re-acquire by the same contender.',
    'hand-offs/s: measured hand-offs over the measured wall time, median over the rounds; p50/p99: nearest rank over every hand-off of every round.',
    'graceful: close() of the leader\'s LeaderLatch to the next participant\'s isLeader. crash: the leader\'s connection runs through a TCP proxy that is paused (4 s negotiated session, tickTime 2 s on both servers); from the pause to the next participant\'s isLeader, which needs the server to expire the session.',
  ];
  for (const r of report.results) {
    for (const h of r.handoffs) if (h.error !== undefined) lines.push(`error: ${r.server} hand-off x${h.contenders}: ${h.error}`);
    if (r.graceful.error !== undefined) lines.push(`error: ${r.server} graceful failover: ${r.graceful.error}`);
    if (r.crash.error !== undefined) lines.push(`error: ${r.server} crash failover: ${r.crash.error}`);
  }
  return `${lines.join('\n')}\n`;
}
