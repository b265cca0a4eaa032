/**
 * The answers of one connection in request order. ZooKeeper answers a session's requests in the
 * order it sent them (FinalRequestProcessor) and, on a quorum member, holds a session's reads
 * behind its own writes still on their way through the leader (CommitProcessor), so a client
 * reads its own writes. Reads of other sessions never wait.
 */
export interface OrderSlot {
  /** Set once the answer is known; it runs when every earlier slot has run. */
  action: (() => void) | undefined;
}

export class RequestOrder {
  private readonly queue: OrderSlot[] = [];

  /** True while an earlier request of this connection is still waiting for its answer. */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  /** Runs `action` now if nothing of this connection is outstanding, else after what is. */
  run(action: () => void): void {
    if (this.queue.length === 0) action();
    else this.queue.push({ action });
  }

  /** Reserves the place of an answer that comes later (a write, a sync). */
  reserve(): OrderSlot {
    const slot: OrderSlot = { action: undefined };
    this.queue.push(slot);
    return slot;
  }

  /** The reserved answer is known: it runs now or once the answers before it have. */
  complete(slot: OrderSlot, action: () => void): void {
    slot.action = action;
    this.drain();
  }

  /** Forgets everything outstanding (the connection closed). */
  clear(): void {
    this.queue.length = 0;
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0] as OrderSlot;
      if (head.action === undefined) return;
      this.queue.shift();
      head.action();
    }
  }
}
