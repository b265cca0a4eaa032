/**
 * Holds what the server says to clients until the transactions it depends on are durable.
 *
 * The core applies each transaction to the tree at once (so later requests are prepared and
 * read against it) but nothing that reveals it — the write's reply, a read that sees it, a watch
 * event, a new session's handshake — may leave before the log has it on disk, or a crash could
 * take back what a client was told. Output is released in the order it was produced, once the
 * durable zxid reaches the last zxid logged before it. With nothing waiting on the disk, output
 * goes straight out: reads never wait for an fsync they do not depend on.
 */
export class DurableEgress {
  private logged = 0n;
  private durable = 0n;
  private readonly held: { barrier: bigint; action: () => void }[] = [];

  /** A transaction was handed to the log. */
  markLogged(zxid: bigint): void {
    if (zxid > this.logged) this.logged = zxid;
  }

  /** Everything up to `zxid` is on disk: release what waited for it, in order. */
  markDurable(zxid: bigint): void {
    if (zxid > this.durable) this.durable = zxid;
    while (this.held.length > 0 && (this.held[0] as { barrier: bigint }).barrier <= this.durable) {
      (this.held.shift() as { action: () => void }).action();
    }
  }

  /**
   * Runs `action` now if nothing it could depend on is still on its way to disk, else later.
   * `barrier` narrows what it depends on (the reply of txn z reveals txns up to z only); by
   * default, everything logged so far. Output still leaves in the order it was emitted.
   */
  emit(action: () => void, barrier?: bigint): void {
    // Never more than what was logged: a txn this egress was not told about (a follower's,
    // applied once committed) holds nothing back.
    const upTo = barrier === undefined || barrier > this.logged ? this.logged : barrier;
    if (this.held.length === 0 && upTo <= this.durable) {
      action();
      return;
    }
    this.held.push({ barrier: upTo, action });
  }

  /** Output waiting for the disk (outstanding replies, for stats). */
  get waiting(): number {
    return this.held.length;
  }
}
