import type { CoordClient } from '../../client/client.js';
import type { Transaction } from '../../client/transaction.js';
import type { ConnectionState } from '../../client/types.js';
import type { Lease, LeaseLostReason } from './types.js';

/**
 * The state of one held node: watches the client for `lost`/`closed` (the ephemeral died with
 * the session) and deletes the node when released. Handles (see {@link leaseHandle}) share it,
 * which is how a re-entrant Mutex hands out one lease object per hold.
 */
export class HeldNode {
  private lostReason: LeaseLostReason | undefined;
  private released = false;
  private readonly listeners = new Set<(reason: LeaseLostReason) => void>();
  private resolveLost!: (reason: LeaseLostReason) => void;
  readonly lost: Promise<LeaseLostReason> = new Promise((resolve) => (this.resolveLost = resolve));
  private readonly onState = (state: ConnectionState): void => {
    if (state === 'lost') this.markLost('session-expired');
    else if (state === 'closed') this.markLost('client-closed');
  };

  constructor(
    private readonly client: CoordClient,
    readonly path: string,
    readonly fencingToken: bigint,
    /** The node's version when granted; lock nodes are never written, so it stays put. */
    readonly version: number,
    private readonly remove: () => Promise<void>,
  ) {
    client.on('state', this.onState);
  }

  get isLost(): boolean {
    return this.lostReason !== undefined;
  }
  get isReleased(): boolean {
    return this.released || this.isLost;
  }

  onLost(listener: (reason: LeaseLostReason) => void): () => void {
    if (this.lostReason !== undefined) {
      listener(this.lostReason);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  checkOp(tx: Transaction): Transaction {
    return tx.check(this.path, this.version);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.client.off('state', this.onState);
    // A lost lease has no node left to delete (and the path may belong to nobody now).
    if (this.lostReason === undefined) await this.remove();
  }

  private markLost(reason: LeaseLostReason): void {
    if (this.released || this.lostReason !== undefined) return;
    this.lostReason = reason;
    this.client.off('state', this.onState);
    this.resolveLost(reason);
    for (const l of [...this.listeners]) l(reason);
    this.listeners.clear();
  }
}

/** A Lease view of a held node; `release` is what this one handle's release does. */
export function leaseHandle(node: HeldNode, release: () => Promise<void>): Lease {
  let released = false;
  return {
    path: node.path,
    fencingToken: node.fencingToken,
    lost: node.lost,
    get isLost() {
      return node.isLost;
    },
    get isReleased() {
      return released || node.isReleased;
    },
    onLost: (listener) => node.onLost(listener),
    checkOp: (tx) => node.checkOp(tx),
    release: async () => {
      if (released) return;
      released = true;
      await release();
    },
    [Symbol.asyncDispose]() {
      return this.release();
    },
  };
}
