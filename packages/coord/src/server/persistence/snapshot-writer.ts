import type { DataTree } from '../data-tree.js';
import { fileName, SNAPSHOT_PREFIX } from './file-names.js';
import { writeFileAtomic } from './fs-util.js';
import { snapshotSteps } from './snapshot-tree.js';

/**
 * Serialises a tree for a snapshot without stalling the server: the walk yields to the event loop
 * every `nodesPerStep` nodes (txns keep being applied meanwhile: a fuzzy snapshot, as ZooKeeper
 * takes). The file is named by the zxid the tree had when the walk started.
 */
export async function serialiseSnapshot(tree: DataTree, sessions: ReadonlyMap<bigint, number>, nodesPerStep: number): Promise<{ zxid: bigint; name: string; bytes: Buffer }> {
  const zxid = tree.lastProcessedZxid;
  const steps = snapshotSteps(tree, sessions, nodesPerStep);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return { zxid, name: fileName(SNAPSHOT_PREFIX, zxid), bytes: r.value };
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export async function writeSnapshot(snapDir: string, snapshot: { name: string; bytes: Buffer }, sync: boolean): Promise<void> {
  await writeFileAtomic(snapDir, snapshot.name, snapshot.bytes, sync);
}
