import type { BenchClient } from './adapters/types.js';
import type { BenchOp } from './loop.js';
import type { WorkloadName } from './options.js';

export interface WorkloadPaths {
  /** The node getData reads and setData writes (created before the run). */
  readonly dataPath: string;
  /** Parent of the nodes createDelete makes and removes. */
  readonly basePath: string;
}

/**
 * The operation each workload repeats. createDelete creates a fresh node and deletes it again,
 * both awaited, and counts as one op; `tag` keeps node names unique across loops so a loop that
 * failed half-way cannot make the next one collide with its leftovers.
 */
export function workloadOp(workload: WorkloadName, client: BenchClient, paths: WorkloadPaths, data: Buffer, tag: string): BenchOp {
  switch (workload) {
    case 'getData':
      return () => client.getData(paths.dataPath);
    case 'setData':
      return () => client.setData(paths.dataPath, data);
    case 'createDelete': {
      const prefix = `${paths.basePath}/${client.name}-${tag}-`;
      return async (worker, seq) => {
        const path = `${prefix}${worker}-${seq}`;
        await client.create(path, data);
        await client.delete(path);
      };
    }
  }
}
