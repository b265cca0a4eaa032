/**
 * An `acquire({ timeoutMs })` that ran out of time. The contender's node has been deleted (or
 * will be, once a create still in flight settles), so it leaves no trace in the queue.
 */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
  constructor(
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`lock ${path} not acquired within ${timeoutMs} ms`);
  }
}
