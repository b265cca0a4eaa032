/**
 * What `coord bench ensemble` prints: one row per workload × outstanding × connection point,
 * per ensemble ops/s, p50 and p99, and the ratios coord/Apache (throughput) and Apache/coord
 * (p99), so above 1.00x coord is better either way. Pure.
 */
import type { Summary } from './latency.js';
import { rowRatio } from './recipes-report.js';
import type { benchEnvironment } from './run.js';
import type { ConnectPoint, EnsembleBenchOptions } from './ensemble-options.js';
import type { ServerName } from './server-options.js';
import { formatMs, formatOpsPerSec, formatRatio, renderMarkdown } from './table.js';

export type EnsembleWorkload = 'setData' | 'getData';

export interface EnsembleCellKey {
  readonly workload: EnsembleWorkload;
  readonly concurrency: number;
  readonly connectTo: ConnectPoint;
}

export interface EnsembleCellResult extends EnsembleCellKey {
  readonly server: ServerName;
  /** The member the client was connected to (its myid), and what it was. */
  readonly member?: number;
  readonly summary?: Summary;
  readonly error?: string;
}

export interface EnsembleBenchReport {
  readonly date: string;
  readonly command: string;
  readonly environment: ReturnType<typeof benchEnvironment>;
  readonly servers: ReadonlyArray<{ readonly name: ServerName; readonly how: string; readonly connectString: string; readonly version: string | undefined }>;
  readonly settings: Omit<EnsembleBenchOptions, 'jsonPath'>;
  readonly results: readonly EnsembleCellResult[];
  readonly elapsedSeconds: number;
}

/** The cells in table order: writes then reads, each at every concurrency, follower then leader. */
export function ensembleCells(settings: Pick<EnsembleBenchOptions, 'writeConcurrency' | 'readConcurrency' | 'connectTo'>): EnsembleCellKey[] {
  const cells: EnsembleCellKey[] = [];
  for (const [workload, levels] of [['setData', settings.writeConcurrency], ['getData', settings.readConcurrency]] as const) {
    for (const concurrency of levels) for (const connectTo of settings.connectTo) cells.push({ workload, concurrency, connectTo });
  }
  return cells;
}

function find(results: readonly EnsembleCellResult[], key: EnsembleCellKey, server: ServerName): EnsembleCellResult | undefined {
  return results.find((r) => r.server === server && r.workload === key.workload && r.concurrency === key.concurrency && r.connectTo === key.connectTo);
}

export function formatEnsembleTable(settings: EnsembleBenchOptions | Omit<EnsembleBenchOptions, 'jsonPath'>, results: readonly EnsembleCellResult[]): string {
  const ratios = settings.servers.includes('coord') && settings.servers.includes('apache');
  const header = ['workload', 'outstanding', 'client on'];
  for (const s of settings.servers) header.push(`${s} ops/s`, `${s} p50 ms`, `${s} p99 ms`);
  if (ratios) header.push('coord/apache ops/s', 'apache/coord p99');
  const rows = ensembleCells(settings).map((key) => {
    const row = [key.workload, String(key.concurrency), key.connectTo];
    for (const s of settings.servers) {
      const cell = find(results, key, s);
      if (cell?.summary === undefined) row.push(cell?.error === undefined ? '-' : 'error', '-', '-');
      else row.push(formatOpsPerSec(cell.summary.opsPerSec), formatMs(cell.summary.p50Ms), formatMs(cell.summary.p99Ms));
    }
    if (ratios) {
      const c = find(results, key, 'coord')?.summary;
      const a = find(results, key, 'apache')?.summary;
      row.push(formatRatio(rowRatio('rate', c?.opsPerSec ?? Number.NaN, a?.opsPerSec ?? Number.NaN)), formatRatio(rowRatio('time', c?.p99Ms ?? Number.NaN, a?.p99Ms ?? Number.NaN)));
    }
    return row;
  });
  return renderMarkdown(header, rows, 3);
}

export function renderEnsembleReport(report: EnsembleBenchReport): string {
  const { environment: env, settings } = report;
  const lines = [
    `coord bench ensemble, ${report.date}`,
    `command: ${report.command}`,
    ...report.servers.map((s) => `ensemble ${s.name}: ${s.how}${s.version === undefined ? '' : `, version ${s.version}`}, at ${s.connectString}`),
    `fsync: ON for both (coord forceSync yes, Apache forceSync=yes); tickTime ${settings.tickTimeMs} ms`,
    `client: coord's own client (this repository), in the bench process, the same for both ensembles; its connect string names one member: the leader or a follower (as srvr said before the cell)`,
    `host: node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), load average ${env.loadAverage.start.toFixed(2)} at start, ${env.loadAverage.end.toFixed(2)} at end`,
    `settings: ${settings.rounds} round(s) of ${settings.durationMs} ms per cell after a ${settings.warmupMs} ms warm-up, ${settings.serverWarmupMs} ms of unmeasured load per ensemble before round 1, ${settings.dataBytes}-byte data, a fresh session per cell and round, shared by the workers`,
    '',
    formatEnsembleTable(settings, report.results),
    '',
    'ops/s: median over the rounds; p50/p99: over every op of every round. setData on a follower is forwarded to the leader and acknowledged after a quorum has logged it; getData is served by the member the client is on.',
  ];
  if (settings.servers.includes('coord') && settings.servers.includes('apache')) {
    lines.push('Ratios, same run, same client, same machine; above 1.00x coord is better: coord/apache ops/s = coord throughput ÷ Apache\'s; apache/coord p99 = Apache p99 latency ÷ coord\'s.');
  }
  lines.push('All six members run on this one machine (three per ensemble; the other ensemble idles while one is measured), so the numbers are loopback numbers, not a network.');
  for (const r of report.results) if (r.error !== undefined) lines.push(`error: ${r.server} ${r.workload} x${r.concurrency} on the ${r.connectTo}: ${r.error}`);
  lines.push(`run took ${(report.elapsedSeconds / 60).toFixed(1)} min`);
  return `${lines.join('\n')}\n`;
}
