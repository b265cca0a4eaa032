/**
 * The final table: one row per workload × concurrency, per client ops/s, p50 and p99, then the
 * throughput ratio of coord to each other client. Pure: it formats numbers it is given. The
 * output is a Markdown table padded to line up in a terminal, so it can be pasted into docs.
 */
import type { Summary } from './latency.js';
import type { ClientName, WorkloadName } from './options.js';

export interface CellResult {
  readonly workload: WorkloadName;
  readonly concurrency: number;
  readonly client: ClientName;
  /** Absent when the cell failed. */
  readonly summary?: Summary;
  readonly error?: string;
}

export interface TableInput {
  readonly workloads: readonly WorkloadName[];
  readonly concurrency: readonly number[];
  /** The clients that ran, in column order. */
  readonly clients: readonly ClientName[];
  readonly results: readonly CellResult[];
}

/** The client every ratio is computed for (the numerator). */
export const SUBJECT: ClientName = 'coord';
const MISSING = '-';

/** Operations per second as a whole number. */
export function formatOpsPerSec(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value)) : MISSING;
}

/** Milliseconds to about three significant digits: 0.0123, 0.412, 4.12, 41.2, 412. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return MISSING;
  const abs = Math.abs(value);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : abs >= 0.1 ? 3 : 4;
  return value.toFixed(decimals);
}

/** A throughput ratio, e.g. 2.31x. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : MISSING;
}

/** coord's throughput divided by `other`'s in the same cell; NaN when either is missing. */
export function throughputRatio(results: readonly CellResult[], workload: WorkloadName, concurrency: number, other: ClientName): number {
  const a = findCell(results, workload, concurrency, SUBJECT)?.summary;
  const b = findCell(results, workload, concurrency, other)?.summary;
  if (a === undefined || b === undefined || !(b.opsPerSec > 0)) return Number.NaN;
  return a.opsPerSec / b.opsPerSec;
}

/** `other`'s CPU per op divided by coord's in the same cell: above 1, coord is cheaper. NaN when missing. */
export function cpuRatio(results: readonly CellResult[], workload: WorkloadName, concurrency: number, other: ClientName): number {
  const a = findCell(results, workload, concurrency, SUBJECT)?.summary;
  const b = findCell(results, workload, concurrency, other)?.summary;
  if (a === undefined || b === undefined || !(a.cpuUsPerOp > 0)) return Number.NaN;
  return b.cpuUsPerOp / a.cpuUsPerOp;
}

export function findCell(results: readonly CellResult[], workload: WorkloadName, concurrency: number, client: ClientName): CellResult | undefined {
  return results.find((r) => r.workload === workload && r.concurrency === concurrency && r.client === client);
}

/** The clients that get a ratio column: every client that ran except coord, when coord ran. */
export function ratioTargets(clients: readonly ClientName[]): ClientName[] {
  return clients.includes(SUBJECT) ? clients.filter((c) => c !== SUBJECT) : [];
}

export function formatResultTable(input: TableInput): string {
  const targets = ratioTargets(input.clients);
  const header = ['workload', 'outstanding'];
  for (const c of input.clients) header.push(`${c} ops/s`, `${c} p50 ms`, `${c} p99 ms`);
  for (const t of targets) header.push(`${SUBJECT}/${t}`);

  const rows: string[][] = [];
  for (const workload of input.workloads) {
    for (const concurrency of input.concurrency) {
      const row = [workload, String(concurrency)];
      for (const client of input.clients) {
        const cell = findCell(input.results, workload, concurrency, client);
        if (cell?.summary === undefined) row.push(cell?.error === undefined ? MISSING : 'error', MISSING, MISSING);
        else row.push(formatOpsPerSec(cell.summary.opsPerSec), formatMs(cell.summary.p50Ms), formatMs(cell.summary.p99Ms));
      }
      for (const t of targets) row.push(formatRatio(throughputRatio(input.results, workload, concurrency, t)));
      rows.push(row);
    }
  }
  return renderMarkdown(header, rows, 2);
}

/** Client-process CPU per op (µs), and how many times more each other library spends than coord. */
export function formatCpuTable(input: TableInput): string {
  const targets = ratioTargets(input.clients);
  const header = ['workload', 'outstanding', ...input.clients.map((c) => `${c} CPU µs/op`), ...targets.map((t) => `${t}/${SUBJECT} CPU`)];
  const rows: string[][] = [];
  for (const workload of input.workloads) {
    for (const concurrency of input.concurrency) {
      const row = [workload, String(concurrency)];
      for (const client of input.clients) {
        const summary = findCell(input.results, workload, concurrency, client)?.summary;
        row.push(summary === undefined || !Number.isFinite(summary.cpuUsPerOp) ? MISSING : summary.cpuUsPerOp.toFixed(1));
      }
      for (const t of targets) row.push(formatRatio(cpuRatio(input.results, workload, concurrency, t)));
      rows.push(row);
    }
  }
  return renderMarkdown(header, rows, 2);
}

/**
 * A Markdown table with every column padded to its widest cell. The first `leftColumns`
 * columns are left-aligned (names), the rest right-aligned (numbers).
 */
export function renderMarkdown(header: readonly string[], rows: readonly (readonly string[])[], leftColumns: number): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (text: string, i: number) => (i < leftColumns ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => pad(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < leftColumns ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map((r) => line(header.map((_, i) => r[i] ?? '')))].join('\n');
}
