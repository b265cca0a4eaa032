import { NoNodeError } from '../../../errors/errors.js';
import { sequenceOf } from '../../internal/sequence.js';
import type { LockDecision } from './lock-engine.js';

/** Markers of Curator's InterProcessReadWriteLock: `_c_<uuid>-__READ__<seq>` / `…-__WRIT__<seq>`. */
export const READ_MARKER = '__READ__';
export const WRITE_MARKER = '__WRIT__';

/** Read and write requests together, sorted by their sequence (one counter: one parent). */
export function sortRequests(children: readonly string[]): string[] {
  return children
    .filter((n) => (n.includes(READ_MARKER) || n.includes(WRITE_MARKER)) && Number.isInteger(sequenceOf(n)))
    .sort((a, b) => sequenceOf(a) - sequenceOf(b));
}

function positionOf(sorted: readonly string[], ours: string): number {
  const index = sorted.indexOf(ours);
  if (index < 0) throw new NoNodeError({ path: ours, message: `lock node ${ours} is no longer among the contenders` });
  return index;
}

/**
 * A read request holds the lock unless a write request is queued before it; then it waits only
 * on the LAST such write. When that write goes, every read behind it (up to the next write) is
 * woken, and each of them now holds the lock: the minimal set, no herd.
 */
export function decideRead(children: readonly string[], ours: string): LockDecision {
  const sorted = sortRequests(children);
  const index = positionOf(sorted, ours);
  for (let i = index - 1; i >= 0; i--) {
    const name = sorted[i] as string;
    if (name.includes(WRITE_MARKER)) return { acquired: false, index, watch: name };
  }
  return { acquired: true, index, watch: undefined };
}

/**
 * A write request holds the lock only when it is first in line; otherwise it waits only on the
 * request just before it (read or write), so a release wakes at most one writer.
 */
export function decideWrite(children: readonly string[], ours: string): LockDecision {
  const sorted = sortRequests(children);
  const index = positionOf(sorted, ours);
  if (index === 0) return { acquired: true, index, watch: undefined };
  return { acquired: false, index, watch: sorted[index - 1] };
}
