import type { CoordClient } from '../../client/client.js';
import type { Data } from '../../client/types.js';
import { fifoItemName } from './pure/item-names.js';
import { QueueEngine, type QueueOptions } from './queue-engine.js';

/**
 * Curator's DistributedQueue (and SimpleDistributedQueue's verbs): a FIFO of
 * `<path>/queue-<seq>` PERSISTENT_SEQUENTIAL items; consumers take the smallest sequence.
 *
 * ```ts
 * await using queue = new DistributedQueue(client, { path: '/jobs', lockPath: '/jobs-locks' });
 * await queue.put('job 1');
 * await queue.consume(async (item) => run(item.data), { timeoutMs: 5_000 });
 * ```
 *
 * See QueueEngine for the herd-free waiting and the behaviour on suspended/reconnected/lost.
 */
export class DistributedQueue extends QueueEngine {
  constructor(client: CoordClient, options: QueueOptions) {
    super(client, 'fifo', options);
  }

  /** Appends an item; returns the item node's path. */
  put(item: Data, options: { signal?: AbortSignal } = {}): Promise<string> {
    return this.putNamed(fifoItemName(), item, options.signal);
  }
}
