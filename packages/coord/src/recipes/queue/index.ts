export { DistributedQueue } from './distributed-queue.js';
export { DistributedPriorityQueue } from './priority-queue.js';
export { DistributedDelayQueue } from './delay-queue.js';
export { ErrorMode, QueueEngine, type QueueHandler, type QueueItem, type QueueOptions, type QueueStats } from './queue-engine.js';
export { QueueClosedError, QueueLockLostError, QueueTakeUnknownError } from './errors.js';
export { WaitTimeoutError, type WaitOptions } from '../internal/wait.js';
export { QueueOrdering, delayItemName, dueTimeOf, epochToString, priorityItemName, priorityOf, priorityToString, sortItems } from './pure/item-names.js';
