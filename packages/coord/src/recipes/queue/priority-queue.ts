import type { CoordClient } from '../../client/client.js';
import type { Data } from '../../client/types.js';
import { priorityItemName } from './pure/item-names.js';
import { QueueEngine, type QueueOptions } from './queue-engine.js';

/**
 * Curator's DistributedPriorityQueue: items are `queue-<1|0><%08X priority><seq>`, taken lowest
 * priority number first, FIFO within one priority. A priority is a 32-bit signed integer.
 * Waiting, lock-safe mode and connection states as for DistributedQueue.
 */
export class DistributedPriorityQueue extends QueueEngine {
  constructor(client: CoordClient, options: QueueOptions) {
    super(client, 'priority', options);
  }

  /** Adds an item with `priority` (lower is taken first); returns the item node's path. */
  put(item: Data, priority: number, options: { signal?: AbortSignal } = {}): Promise<string> {
    return this.putNamed(priorityItemName(priority), item, options.signal);
  }
}
