import { NoNodeError } from '../../../errors/errors.js';
import { sortBySequence } from '../../internal/sequence.js';

/**
 * The decision at the heart of every lock: given the lock node's children and our own node,
 * do we hold one of `maxLeases` leases, and if not, which single node do we watch? Watching
 * only the node `maxLeases` places ahead (not the parent) is what keeps a release from waking
 * every waiter (the herd effect). Pure: a function of the names alone.
 */
export interface LockDecision {
  readonly acquired: boolean;
  /** Our position among the contenders (0 = first). */
  readonly index: number;
  /** The node to watch (exists/getData watch) when not acquired. */
  readonly watch: string | undefined;
}

export function decideLock(children: readonly string[], ours: string, marker: string, maxLeases = 1): LockDecision {
  const sorted = sortBySequence(children, marker);
  const index = sorted.indexOf(ours);
  // Our node is gone: its session was lost (or someone deleted it). The caller must start over.
  if (index < 0) throw new NoNodeError({ path: ours, message: `lock node ${ours} is no longer among the contenders` });
  if (index < maxLeases) return { acquired: true, index, watch: undefined };
  return { acquired: false, index, watch: sorted[index - maxLeases] };
}
