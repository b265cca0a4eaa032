/**
 * What `coord drill leader-kill` prints: one timeline line per kill, then a summary table per
 * target and, with both targets, the ratio of the medians. Pure: it formats what it is given.
 */
import { median } from '../bench/latency.js';
import { rowRatio } from '../bench/recipes-report.js';
import { formatMs, formatRatio, renderMarkdown } from '../bench/table.js';
import type { benchEnvironment } from '../bench/run.js';
import type { DrillTarget } from './options.js';
import type { VerifyResult } from './verify.js';

export interface KillSample {
  readonly index: number;
  readonly leader: number;
  readonly pid: number;
  readonly newLeader: number;
  /** kill -9 sent → a survivor answers srvr with "Mode: leader". */
  readonly electedMs: number;
  /** kill -9 sent → the first acknowledgement of a write issued after the kill. */
  readonly firstWriteMs: number;
  /** Restart of the killed member → it serves again (srvr mode follower). */
  readonly rejoinMs: number;
  readonly ackedSoFar: number;
}

export interface LeaderKillTargetResult {
  readonly target: DrillTarget;
  readonly how: string;
  readonly samples: readonly KillSample[];
  readonly acked: number;
  /** Writes that failed (connection loss, timeout): outcome unknown, neither acknowledged nor lost. */
  readonly failed: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly verify?: VerifyResult;
  readonly error?: string;
}

export interface LeaderKillReport {
  readonly date: string;
  readonly command: string;
  readonly environment: ReturnType<typeof benchEnvironment>;
  readonly settings: { readonly targets: readonly DrillTarget[]; readonly kills: number; readonly writers: number; readonly tickTimeMs: number };
  readonly results: readonly LeaderKillTargetResult[];
  readonly elapsedSeconds: number;
}

export function formatKillLine(target: DrillTarget, kills: number, s: KillSample): string {
  return (
    `[${target}] kill ${String(s.index).padStart(String(kills).length)}/${kills}: leader ${s.leader} (pid ${s.pid}) kill -9; ` +
    `new leader ${s.newLeader} after ${formatMs(s.electedMs)} ms; first write acked after ${formatMs(s.firstWriteMs)} ms; ` +
    `member ${s.leader} serving again ${formatMs(s.rejoinMs)} ms after restart; ${s.ackedSoFar} writes acked so far`
  );
}

function minMedMax(values: readonly number[]): string {
  if (values.length === 0) return '-';
  return `${formatMs(Math.min(...values))} / ${formatMs(median(values))} / ${formatMs(Math.max(...values))}`;
}

export function formatLeaderKillTable(results: readonly LeaderKillTargetResult[]): string {
  const header = ['target', 'kills', 'kill → new leader ms (min / median / max)', 'kill → first write ms (min / median / max)', 'rejoin ms (median)', 'writes acked', 'writes failed (unknown outcome)', 'writes lost'];
  const rows = results.map((r) => [
    r.target,
    String(r.samples.length),
    minMedMax(r.samples.map((s) => s.electedMs)),
    minMedMax(r.samples.map((s) => s.firstWriteMs)),
    formatMs(median(r.samples.map((s) => s.rejoinMs))),
    String(r.acked),
    String(r.failed),
    r.verify === undefined ? 'not checked' : String(r.verify.lost),
  ]);
  return renderMarkdown(header, rows, 1);
}

/** Apache median ÷ coord median (above 1.00x coord is faster), per timing; NaN unless both ran. */
export function medianRatios(results: readonly LeaderKillTargetResult[]): { elected: number; firstWrite: number } {
  const of = (t: DrillTarget) => results.find((r) => r.target === t)?.samples ?? [];
  const coord = of('coord');
  const apache = of('apache');
  const ratio = (pick: (s: KillSample) => number) => rowRatio('time', median(coord.map(pick)), median(apache.map(pick)));
  return { elected: ratio((s) => s.electedMs), firstWrite: ratio((s) => s.firstWriteMs) };
}

export function renderLeaderKillReport(report: LeaderKillReport): string {
  const { environment: env, settings } = report;
  const lines = [
    '',
    `coord drill leader-kill, ${report.date}`,
    `command: ${report.command}`,
    ...report.results.map((r) => `target ${r.target}: ${r.how}`),
    `host: node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), load average ${env.loadAverage.start.toFixed(2)} at start, ${env.loadAverage.end.toFixed(2)} at end`,
    `settings: ${settings.kills} kills per target, ${settings.writers} writers (one session each, one write outstanding, coord's client, connect string of all members), tickTime ${settings.tickTimeMs} ms, forceSync yes; run took ${report.elapsedSeconds.toFixed(0)} s`,
    '',
    formatLeaderKillTable(report.results),
    '',
    'kill → new leader: from sending SIGKILL to the leader until a survivor answers srvr with "Mode: leader" (polled every 10 ms; a leader serves only once a quorum has synced to it).',
    'kill → first write: from SIGKILL until the first acknowledgement of a write issued after the kill (a writer on the dead leader must first reconnect elsewhere).',
    'writes lost: acknowledged creates missing, or an acknowledged setData overwritten by an older value, on at least one member, read back through a session pinned to each member after sync.',
  ];
  if (report.results.some((r) => r.target === 'coord') && report.results.some((r) => r.target === 'apache')) {
    const r = medianRatios(report.results);
    lines.push(
      `ratio of medians, Apache/coord (above 1.00x coord is faster; the target is ≥ 1.00x, i.e. coord's median ≤ Apache's): kill → new leader ${formatRatio(r.elected)}, kill → first write ${formatRatio(r.firstWrite)}`,
    );
  }
  for (const r of report.results) {
    const errors = Object.entries(r.errors).map(([name, n]) => `${name} ×${n}`).join(', ');
    if (errors !== '') lines.push(`${r.target}: failed writes by error: ${errors}`);
    for (const m of r.verify?.members ?? []) {
      lines.push(`${r.target}: member ${m.member}: ${m.error === undefined ? `${m.nodesRead} nodes read, ${m.missingCreates} acknowledged creates missing, ${m.regressedSets} setData regressions` : `could not be read: ${m.error}`}`);
    }
    for (const e of r.verify?.examples ?? []) lines.push(`${r.target}: LOST ${e}`);
    if (r.error !== undefined) lines.push(`${r.target}: ERROR ${r.error}`);
  }
  return `${lines.join('\n')}\n`;
}
