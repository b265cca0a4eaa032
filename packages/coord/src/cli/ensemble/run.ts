import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { renderMarkdown } from '../bench/table.js';
import type { BenchOutput } from '../bench/run.js';
import { startApacheEnsemble, startEnsemble, type EnsembleHandle, type MemberMode } from '../../testing/ensemble/index.js';
import type { EnsembleCommandOptions } from './command.js';

const WATCH_INTERVAL_MS = 1_000;

function membersTable(ensemble: EnsembleHandle, modes: ReadonlyMap<number, MemberMode>): string {
  const rows = ensemble.members.map((m) => [String(m.id), m.role, modes.get(m.id) ?? '?', `127.0.0.1:${m.clientPort}`, String(m.quorumPort), String(m.electionPort), m.pid === undefined ? '-' : String(m.pid), m.configFile]);
  return renderMarkdown(['id', 'role', 'mode', 'client address', 'quorum port', 'election port', 'pid', 'zoo.cfg'], rows, 3);
}

/** Waits for SIGINT or SIGTERM. */
function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolveSignal(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** Starts the ensemble, prints how to reach it, reports changes until a signal; returns the exit code. */
export async function runEnsemble(options: EnsembleCommandOptions, io: BenchOutput): Promise<number> {
  const baseDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (baseDir !== undefined) await mkdir(baseDir, { recursive: true });
  const what = `${options.apache === true ? 'Apache ZooKeeper' : 'coord'} ensemble of ${options.size}${options.observers > 0 ? ` + ${options.observers} observer(s)` : ''}`;
  io.progress(`starting a ${what} (tickTime ${options.tickTime} ms, initLimit ${options.initLimit}, syncLimit ${options.syncLimit})...\n`);
  const settings = {
    size: options.size,
    observers: options.observers,
    tickTimeMs: options.tickTime,
    initLimit: options.initLimit,
    syncLimit: options.syncLimit,
    forceSync: true,
    logLevel: options.logLevel,
    ...(baseDir === undefined ? {} : { baseDir }),
  };
  // Ctrl-C while starting: the kit's exit hook kills whatever was started.
  const signal = interrupted();
  const starting = options.apache === true ? startApacheEnsemble(settings) : startEnsemble(settings);
  const first = await Promise.race([
    starting.then(
      (ensemble) => ({ ensemble }),
      (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
    ),
    signal.then(() => ({ interrupted: true as const })),
  ]);
  if ('interrupted' in first) {
    io.progress('interrupted while starting: stopping the members...\n');
    await starting.then((e) => e.stop()).catch(() => undefined);
    return 130;
  }
  if ('error' in first) {
    io.progress(`coord ensemble: ${first.error}\n`);
    return 1;
  }
  const ensemble = first.ensemble;
  try {
    let modes = await ensemble.modes();
    let leader = await ensemble.leader();
    io.out(`${what} is up.\n\nconnect string: ${ensemble.connectString()}\nleader: member ${leader ?? 'none yet'}\n\n${membersTable(ensemble, modes)}\n\n`);
    io.out(`data: ${baseDir ?? 'a temporary directory (removed on exit)'}\nCtrl-C stops every member.\n`);
    let stop = false;
    void signal.then(() => {
      stop = true;
    });
    const running = new Map(ensemble.members.map((m) => [m.id, m.pid]));
    while (!stop) {
      await Promise.race([new Promise((r) => setTimeout(r, WATCH_INTERVAL_MS)), signal]);
      if (stop) break;
      for (const m of ensemble.members) {
        if (running.get(m.id) !== undefined && m.pid === undefined) {
          io.out(`${new Date().toISOString()} member ${m.id} exited; its last output:\n${ensemble.recentOutput(m.id).split('\n').slice(-20).join('\n')}\n`);
        }
        running.set(m.id, m.pid);
      }
      const next = await ensemble.leader();
      if (next !== leader) {
        modes = await ensemble.modes();
        io.out(`${new Date().toISOString()} leader: ${next === undefined ? 'none (election in progress)' : `member ${next}`} (${[...modes].map(([id, mode]) => `${id}: ${mode}`).join(', ')})\n`);
        leader = next;
      }
    }
    io.progress('stopping every member...\n');
    return 0;
  } finally {
    await ensemble.stop();
    io.progress('stopped.\n');
  }
}
