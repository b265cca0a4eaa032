/**
 * Lock-safe mode: the lock on an item was lost before the item was finished (the consumer's
 * session ended, so its ephemeral lock vanished). The item was not deleted by this consumer; it
 * is back in the queue for another consumer (at-least-once delivery).
 */
export class QueueLockLostError extends Error {
  constructor(
    readonly itemPath: string,
    options: { cause?: unknown } = {},
  ) {
    super(`lost the lock on queue item ${itemPath} before finishing it; the item stays queued for another consumer`, options);
    this.name = 'QueueLockLostError';
  }
}

/**
 * Plain (not lock-safe) mode: the connection dropped while the item's delete was in flight, so
 * whether this consumer took it is unknown. Use lock-safe mode (`lockPath`) where an item must
 * not be lost.
 */
export class QueueTakeUnknownError extends Error {
  constructor(
    readonly itemPath: string,
    options: { cause?: unknown } = {},
  ) {
    super(`the connection dropped while deleting queue item ${itemPath}; whether it was taken is unknown`, options);
    this.name = 'QueueTakeUnknownError';
  }
}

/** The queue was closed while a call was waiting. */
export class QueueClosedError extends Error {
  constructor() {
    super('the queue was closed');
    this.name = 'QueueClosedError';
  }
}
