/**
 * The server's session table (SessionTrackerImpl + ExpiryQueue). Pure: every method takes the
 * current time. Expiry deadlines are rounded up to the next tick so that sessions expire in
 * buckets, one check per tick, as ZooKeeper does.
 */
export interface TrackedSession {
  readonly id: bigint;
  readonly timeoutMs: number;
  expiresAtMs: number;
  /** Set once a closeSession is under way: no more touches, no second close. */
  closing: boolean;
}

const UINT64 = (1n << 64n) - 1n;
const CONTAINER_OWNER = -(2n ** 63n);

/** ZooKeeper's first session id: server id in the top byte, 40 bits of the clock, a 16-bit counter. */
export function initialSessionId(serverId: number, nowMs: number): bigint {
  const shifted = ((BigInt(Math.floor(nowMs)) << 24n) & UINT64) >> 8n;
  const id = BigInt.asIntN(64, shifted | (BigInt(serverId & 0xff) << 56n));
  return id === CONTAINER_OWNER ? id + 1n : id;
}

export class SessionTracker {
  private readonly sessions = new Map<bigint, TrackedSession>();
  private nextId: bigint;

  constructor(
    serverId: number,
    nowMs: number,
    private readonly tickMs: number,
  ) {
    this.nextId = initialSessionId(serverId, nowMs);
  }

  private roundUp(timeMs: number): number {
    return (Math.floor(timeMs / this.tickMs) + 1) * this.tickMs;
  }

  /** Allocates an id and starts tracking it. */
  create(timeoutMs: number, nowMs: number): bigint {
    let id = this.nextId;
    this.nextId = BigInt.asIntN(64, this.nextId + 1n);
    if (id === CONTAINER_OWNER) id = this.nextId++;
    this.add(id, timeoutMs, nowMs);
    return id;
  }

  /** Tracks a known id (restored from disk, or created elsewhere). */
  add(id: bigint, timeoutMs: number, nowMs: number): void {
    this.sessions.set(id, { id, timeoutMs, expiresAtMs: this.roundUp(nowMs + timeoutMs), closing: false });
  }

  get(id: bigint): TrackedSession | undefined {
    return this.sessions.get(id);
  }

  /** Pushes the deadline out; false when the session is unknown or closing. */
  touch(id: bigint, nowMs: number): boolean {
    const s = this.sessions.get(id);
    if (s === undefined || s.closing) return false;
    const deadline = this.roundUp(nowMs + s.timeoutMs);
    if (deadline > s.expiresAtMs) s.expiresAtMs = deadline;
    return true;
  }

  setClosing(id: bigint): void {
    const s = this.sessions.get(id);
    if (s !== undefined) s.closing = true;
  }

  remove(id: bigint): void {
    this.sessions.delete(id);
  }

  /** Sessions whose deadline has passed, marked closing so they are expired once. */
  expired(nowMs: number): bigint[] {
    const out: bigint[] = [];
    for (const s of this.sessions.values()) {
      if (!s.closing && s.expiresAtMs <= nowMs) {
        s.closing = true;
        out.push(s.id);
      }
    }
    return out;
  }

  /** The next instant a check could find something to expire (a tick boundary). */
  nextCheckAtMs(nowMs: number): number {
    return this.roundUp(nowMs);
  }

  get size(): number {
    return this.sessions.size;
  }

  ids(): IterableIterator<bigint> {
    return this.sessions.keys();
  }
}
