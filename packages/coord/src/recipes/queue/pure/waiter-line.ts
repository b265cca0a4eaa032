import { sortBySequence } from '../../internal/sequence.js';

/**
 * Blocked consumers queue up as EPHEMERAL_SEQUENTIAL `waiter-<seq>` nodes in a line kept apart
 * from the items. Only the head of the line watches the items; every other waiter watches the
 * waiter just before it. A put therefore wakes one consumer (the head), and the head's leaving
 * wakes one more (its successor, which becomes the head): O(1) notifications per item, whatever
 * the number of idle consumers. Pure: a function of the names alone.
 */
export const WAITER_MARKER = 'waiter-';

export type WaiterDecision =
  /** Our waiter node is not in the line (its session was lost): join again. */
  | { readonly kind: 'gone' }
  /** We are first: watch the items. */
  | { readonly kind: 'head' }
  /** Watch this waiter (our predecessor) and look again when it goes. */
  | { readonly kind: 'behind'; readonly predecessor: string };

export function decideWaiter(children: readonly string[], ours: string): WaiterDecision {
  const line = sortBySequence(children, WAITER_MARKER);
  const index = line.indexOf(ours);
  if (index < 0) return { kind: 'gone' };
  if (index === 0) return { kind: 'head' };
  return { kind: 'behind', predecessor: line[index - 1] as string };
}
