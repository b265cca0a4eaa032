import type { ClientBenchOptions, ClientName } from './options.js';
import { describeStop } from './options.js';
import { cpuRatio, formatCpuTable, formatResultTable, ratioTargets, SUBJECT, throughputRatio, type CellResult } from './table.js';

export interface SkippedClient {
  readonly client: ClientName;
  readonly reason: string;
}

/** Everything a run produced; printed as text and, with --json, written as JSON. */
export interface ClientBenchReport {
  readonly date: string;
  readonly command: string;
  readonly environment: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly cpuModel: string;
    /** 1-minute load average when the run started and ended: other work on the machine makes every number noisier. */
    readonly loadAverage: { readonly start: number; readonly end: number };
  };
  readonly server: { readonly connectString: string; readonly startedByBench: boolean; readonly version: string | undefined };
  readonly settings: Omit<ClientBenchOptions, 'jsonPath' | 'connect'>;
  /** The libraries that were measured, in column order. */
  readonly ran: readonly ClientName[];
  readonly skipped: readonly SkippedClient[];
  readonly results: readonly CellResult[];
  readonly ratios: readonly RatioRow[];
}

export interface RatioRow {
  readonly workload: string;
  readonly concurrency: number;
  readonly versus: ClientName;
  /** coord ops/s ÷ versus ops/s. */
  readonly throughputRatio: number | null;
  /** versus CPU per op ÷ coord CPU per op. */
  readonly cpuRatio: number | null;
}

export function ratioRows(settings: Pick<ClientBenchOptions, 'workloads' | 'concurrency'>, ran: readonly ClientName[], results: readonly CellResult[]): RatioRow[] {
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return settings.workloads.flatMap((workload) =>
    settings.concurrency.flatMap((concurrency) =>
      ratioTargets(ran).map((versus) => ({
        workload,
        concurrency,
        versus,
        throughputRatio: finite(throughputRatio(results, workload, concurrency, versus)),
        cpuRatio: finite(cpuRatio(results, workload, concurrency, versus)),
      })),
    ),
  );
}

/** The text printed on stdout: context lines, skipped libraries, both tables and how to read them. */
export function renderReport(report: ClientBenchReport): string {
  const { environment: env, server, settings } = report;
  const lines = [
    `coord bench client, ${report.date}`,
    `command: ${report.command}`,
    `server: ${server.version === undefined ? 'ZooKeeper (version unknown)' : `ZooKeeper ${server.version}`} at ${server.connectString}${server.startedByBench ? ' (Apache ZooKeeper started by the testing kit)' : ''}`,
    `host: node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), load average ${env.loadAverage.start.toFixed(2)} at start, ${env.loadAverage.end.toFixed(2)} at end`,
    `settings: ${settings.rounds} round(s) of ${describeStop(settings.stop)} after a ${settings.warmupMs} ms warm-up, ${settings.dataBytes}-byte data, one client (fresh session) per library per cell and round, shared by the workers`,
  ];
  for (const s of report.skipped) lines.push(`skipped: ${s.client}: ${s.reason}`);
  const input = { workloads: settings.workloads, concurrency: settings.concurrency, clients: report.ran, results: report.results };
  const ratios = ratioTargets(report.ran).length > 0;
  lines.push('', formatResultTable(input), '');
  lines.push(`ops/s: median over the rounds; p50/p99: over every op of every round.`);
  if (ratios) lines.push(`${SUBJECT}/X = ${SUBJECT} ops/s divided by X ops/s in the same row (same server, same run); above 1.00x ${SUBJECT} is faster.`);
  lines.push('', 'Client-process CPU per op (user + system, all threads of this process):', '', formatCpuTable(input), '');
  if (ratios) lines.push(`X/${SUBJECT} CPU = X's CPU per op divided by ${SUBJECT}'s; above 1.00x ${SUBJECT} spends less CPU per op.`);
  for (const f of report.results) if (f.error !== undefined) lines.push(`error: ${f.workload} x${f.concurrency} ${f.client}: ${f.error}`);
  return `${lines.join('\n')}\n`;
}
