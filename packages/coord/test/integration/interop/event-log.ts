/** Watch events a callback-style client delivers, with a wait that ends on a count or a deadline. */
export class EventLog {
  private readonly entries: string[] = [];
  private readonly waiters = new Set<() => void>();

  push(entry: string): void {
    this.entries.push(entry);
    for (const waiter of [...this.waiters]) waiter();
  }

  get all(): readonly string[] {
    return [...this.entries];
  }

  /** Resolves with every entry once there are at least `count`. */
  waitFor(count: number, timeoutMs = 15_000): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.entries.length < count) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve([...this.entries]);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} event(s); have ${JSON.stringify(this.entries)}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }
}
