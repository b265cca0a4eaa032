/**
 * Writes whose connection closed before they were answered, per session. The txn still goes
 * through (a quorum member forwarded it to the leader), so when the session comes back on a new
 * connection its first requests must wait for it: otherwise a read there could miss the client's
 * own write and the client would act on a state its write has already changed. ZooKeeper keeps
 * this order per session in CommitProcessor, across connections.
 */
export class OrphanedWrites {
  private readonly bySession = new Map<bigint, { readonly keys: Set<string>; readonly waiters: (() => void)[] }>();

  add(sessionId: bigint, key: string): void {
    let entry = this.bySession.get(sessionId);
    if (entry === undefined) {
      entry = { keys: new Set(), waiters: [] };
      this.bySession.set(sessionId, entry);
    }
    entry.keys.add(key);
  }

  /** The write was applied or refused. */
  settle(sessionId: bigint, key: string): void {
    const entry = this.bySession.get(sessionId);
    if (entry === undefined || !entry.keys.delete(key) || entry.keys.size > 0) return;
    this.bySession.delete(sessionId);
    for (const w of entry.waiters) w();
  }

  /** Runs `then` once the session has no orphaned write left; false (and nothing runs) when it has none now. */
  whenSettled(sessionId: bigint, then: () => void): boolean {
    const entry = this.bySession.get(sessionId);
    if (entry === undefined) return false;
    entry.waiters.push(then);
    return true;
  }

  /** The server stopped serving: every connection is gone, nobody waits. */
  clear(): void {
    this.bySession.clear();
  }
}
