// The leader family: LeaderLatch and LeaderSelector (Curator names), fenced by the node's czxid.
export { LeaderLatch, type LatchCloseMode, type LeaderLatchEvents, type LeaderLatchOptions, type LeadershipGrant, type Participant } from './leader-latch.js';
export {
  LeaderSelector,
  LeadershipCanceledError,
  type LeadershipCancelReason,
  type LeadershipContext,
  type LeaderSelectorEvents,
  type LeaderSelectorOptions,
  type TakeLeadership,
} from './leader-selector.js';
export { LATCH_NODE_NAME, SELECTOR_NODE_NAME, type LeaderErrorPolicy } from './pure/latch-engine.js';
