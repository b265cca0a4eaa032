import { sequenceOf, sortBySequence } from '../../internal/sequence.js';
import type { ConnectionState } from '../../../client/types.js';

/**
 * The pure decisions of a leader election on sequential nodes (LeaderLatch, and LeaderSelector
 * built on the same election). No I/O: functions of the children's names and the client state.
 */

/** Curator's node names: LeaderLatch `_c_<uuid>-latch-<seq>`, LeaderSelector (its mutex) `_c_<uuid>-lock-<seq>`. */
export const LATCH_NODE_NAME = 'latch-';
export const SELECTOR_NODE_NAME = 'lock-';

export type LatchDecision =
  /** Our node is the lowest: we lead. */
  | { readonly kind: 'leader'; readonly index: 0 }
  /** Someone is ahead: watch only the node just before ours (no herd on a leader change). */
  | { readonly kind: 'follower'; readonly index: number; readonly watch: string }
  /** Our node is not among the children: the session that made it is gone (or it was deleted). */
  | { readonly kind: 'missing' };

/** Given the latch node's children and our node's name, are we the leader, and whom do we watch? */
export function decideLatch(children: readonly string[], ours: string, marker: string): LatchDecision {
  const sorted = sortBySequence(children, marker);
  const index = sorted.indexOf(ours);
  if (index < 0) return { kind: 'missing' };
  if (index === 0) return { kind: 'leader', index: 0 };
  return { kind: 'follower', index, watch: sorted[index - 1] as string };
}

/** The contenders' node names, first (the leader) first. */
export function participantOrder(children: readonly string[], marker: string): string[] {
  return sortBySequence(children, marker);
}

/**
 * What the connection error policy counts as losing leadership (Curator's
 * ConnectionStateErrorPolicy): `standard` — `suspended` is already an error, since a partitioned
 * leader cannot know whether its session still lives; `session` — only `lost` is, trading a
 * window in which two processes may both believe they lead for fewer leader changes.
 */
export type LeaderErrorPolicy = 'standard' | 'session';

export interface StateReaction {
  /** Give up leadership now (notLeader). */
  readonly dropLeadership: boolean;
  /** Our node died with the session: forget it; a new one is made once reconnected. */
  readonly forgetNode: boolean;
  /** Read the children again (our node still exists, or a new one must be made if it was forgotten). */
  readonly recheck: boolean;
}

/** How a started latch reacts to a client state change. */
export function reactToState(state: ConnectionState, policy: LeaderErrorPolicy): StateReaction {
  switch (state) {
    case 'suspended':
      return { dropLeadership: policy === 'standard', forgetNode: false, recheck: false };
    case 'lost':
    case 'closed':
      return { dropLeadership: true, forgetNode: true, recheck: false };
    case 'reconnected':
      return { dropLeadership: false, forgetNode: false, recheck: true };
    case 'connecting':
    case 'connected':
    case 'readOnly':
      return { dropLeadership: false, forgetNode: false, recheck: false };
  }
}

/** The sequence number of a latch node (the fencing order among participants of one latch). */
export function latchSequence(name: string): number {
  return sequenceOf(name);
}
