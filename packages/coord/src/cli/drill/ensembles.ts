/** How a drill starts the 3-node ensemble of each target: the same settings for both, fsync on. */
import { startApacheEnsemble, startEnsemble, type EnsembleHandle, type StartEnsembleOptions } from '../../testing/ensemble/index.js';
import type { DrillTarget } from './options.js';

export const ENSEMBLE_SIZE = 3;

export function describeTarget(target: DrillTarget): string {
  return target === 'apache'
    ? "Apache ZooKeeper 3-node ensemble (QuorumPeerMain, one JVM per member, jvm 'throughput': -Xmx1g -XX:+UseParallelGC)"
    : '3-node coord ensemble (`coord server zoo.cfg`, one Node process per member)';
}

export function startTarget(target: DrillTarget, options: Omit<StartEnsembleOptions, 'size'>): Promise<EnsembleHandle> {
  const common: StartEnsembleOptions = { size: ENSEMBLE_SIZE, forceSync: true, startTimeoutMs: 120_000, ...options };
  return target === 'apache' ? startApacheEnsemble({ ...common, jvm: 'throughput' }) : startEnsemble(common);
}

/** Rejects after `ms` unless `promise` settles first. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ctrl-C during a drill stops the ensemble (its processes and temporary directory) before
 * exiting with 130; without this Node would exit at once and leave the directory behind.
 * Returns the function that removes the handler again.
 */
export function stopOnInterrupt(ensemble: EnsembleHandle, progress: (text: string) => void): () => void {
  const onSignal = () => {
    progress('interrupted: stopping the ensemble\n');
    void ensemble.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  return () => process.off('SIGINT', onSignal);
}
