/** What `coord drill partition` prints after its timeline: the checks, pass or fail. Pure. */
import { formatMs, renderMarkdown } from '../bench/table.js';
import type { benchEnvironment } from '../bench/run.js';
import type { DrillTarget } from './options.js';
import type { VerifyResult } from './verify.js';

export interface PartitionResult {
  readonly target: DrillTarget;
  readonly how: string;
  /** syncLimit × tickTime + 1 s. */
  readonly boundMs: number;
  newLeader?: number;
  /** Cut → a majority member answers srvr "Mode: leader". */
  electedMs?: number;
  /** Cut → first acknowledgement of a write issued after the cut. */
  firstWriteMs?: number;
  /** Cut → the old leader no longer answers srvr "Mode: leader". */
  steppedDownMs?: number;
  /** Heal → the old leader answers "Mode: follower". */
  rejoinMs?: number;
  rejoined: boolean;
  syncMode?: 'DIFF' | 'TRUNC' | 'SNAP';
  syncLine?: string;
  cutWallMs?: number;
  acked: number;
  failed: number;
  errors: Record<string, number>;
  /** Writes the pinned client issued after the cut that were acknowledged: must be 0. */
  pinnedAcked: number;
  pinnedFailed: number;
  pinnedErrors: Record<string, number>;
  verify?: VerifyResult;
  error?: string;
}

export interface PartitionReport {
  readonly date: string;
  readonly command: string;
  readonly environment: ReturnType<typeof benchEnvironment>;
  readonly settings: { readonly target: DrillTarget; readonly writers: number; readonly tickTimeMs: number; readonly syncLimit: number };
  readonly result: PartitionResult;
  readonly elapsedSeconds: number;
}

interface Check {
  readonly name: string;
  readonly value: string;
  readonly pass: boolean;
}

export function partitionChecks(r: PartitionResult): Check[] {
  const ms = (v: number | undefined) => (v === undefined ? '-' : `${formatMs(v)} ms`);
  return [
    { name: 'majority elects a new leader within syncLimit × tickTime + 1 s', value: `${ms(r.electedMs)} (bound ${r.boundMs} ms)`, pass: r.electedMs !== undefined && r.electedMs <= r.boundMs },
    { name: 'first write acknowledged after the cut', value: ms(r.firstWriteMs), pass: r.firstWriteMs !== undefined },
    { name: 'old leader stops claiming leadership', value: ms(r.steppedDownMs), pass: r.steppedDownMs !== undefined },
    {
      name: 'cut-off leader acknowledges no write (pinned client)',
      value: `${r.pinnedAcked} acked, ${r.pinnedFailed} failed/timed out${Object.keys(r.pinnedErrors).length > 0 ? ` (${Object.entries(r.pinnedErrors).map(([k, v]) => `${k} ×${v}`).join(', ')})` : ''}`,
      pass: r.pinnedAcked === 0 && r.steppedDownMs !== undefined,
    },
    { name: 'old leader rejoins as a follower after heal', value: r.rejoined ? `${ms(r.rejoinMs)} after heal` : 'no', pass: r.rejoined },
    { name: 'resync mode', value: r.syncMode === undefined ? 'not visible in the members\' logs' : `${r.syncMode}`, pass: true },
    {
      name: 'acknowledged writes lost (every member, incl. the old leader)',
      value: r.verify === undefined ? 'not checked' : `${r.verify.lost} of ${r.acked}`,
      pass: r.verify !== undefined && r.verify.lost === 0 && r.verify.members.every((m) => m.error === undefined),
    },
  ];
}

export function partitionFailed(report: PartitionReport): boolean {
  return report.result.error !== undefined || partitionChecks(report.result).some((c) => !c.pass);
}

export function renderPartitionReport(report: PartitionReport): string {
  const { environment: env, settings, result } = report;
  const checks = partitionChecks(result);
  const lines = [
    '',
    `coord drill partition, ${report.date}`,
    `command: ${report.command}`,
    `target ${result.target}: ${result.how}, peer links through in-process TCP proxies`,
    `host: node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), load average ${env.loadAverage.start.toFixed(2)} at start, ${env.loadAverage.end.toFixed(2)} at end`,
    `settings: ${settings.writers} writers on all members, tickTime ${settings.tickTimeMs} ms, syncLimit ${settings.syncLimit}, forceSync yes; run took ${report.elapsedSeconds.toFixed(0)} s`,
    '',
    renderMarkdown(['check', 'measured', 'result'], checks.map((c) => [c.name, c.value, c.pass ? 'PASS' : 'FAIL']), 2),
    '',
  ];
  if (result.syncLine !== undefined) lines.push(`resync log line: ${result.syncLine.slice(0, 300)}`);
  const errors = Object.entries(result.errors).map(([name, n]) => `${name} ×${n}`).join(', ');
  if (errors !== '') lines.push(`majority writers: ${result.acked} acked, ${result.failed} failed (unknown outcome): ${errors}`);
  for (const m of result.verify?.members ?? []) {
    lines.push(`member ${m.member}: ${m.error === undefined ? `${m.nodesRead} nodes read, ${m.missingCreates} acknowledged creates missing, ${m.regressedSets} setData regressions` : `could not be read: ${m.error}`}`);
  }
  for (const e of result.verify?.examples ?? []) lines.push(`LOST ${e}`);
  if (result.error !== undefined) lines.push(`ERROR ${result.error}`);
  lines.push(partitionFailed(report) ? 'RESULT: FAIL' : 'RESULT: PASS');
  return `${lines.join('\n')}\n`;
}
