import type { CoordClient } from '../../client/client.js';
import type { Data } from '../../client/types.js';
import { delayItemName } from './pure/item-names.js';
import { QueueEngine, type QueueOptions } from './queue-engine.js';

/**
 * Curator's DistributedDelayQueue: items are `queue-|<%08X epochMs>|<seq>` and become visible
 * to consumers once the (injected) clock reaches `epochMs`; they are taken in due-time order.
 * A waiting head consumer sets a timer for the earliest hidden item as well as its watch, so a
 * later put with an earlier due time is seen too. Clocks of producers and consumers are assumed
 * to agree (as in Curator).
 */
export class DistributedDelayQueue extends QueueEngine {
  constructor(client: CoordClient, options: QueueOptions) {
    super(client, 'delay', options);
  }

  /** Adds an item that becomes visible at `dueAtMs` (epoch ms on the queue's clock). */
  put(item: Data, dueAtMs: number, options: { signal?: AbortSignal } = {}): Promise<string> {
    return this.putNamed(delayItemName(dueAtMs), item, options.signal);
  }

  /** Adds an item that becomes visible `delayMs` from now on the queue's clock. */
  putAfter(item: Data, delayMs: number, options: { signal?: AbortSignal } = {}): Promise<string> {
    return this.put(item, this.clock.now() + delayMs, options);
  }
}
