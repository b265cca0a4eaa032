import type { WatchTables } from '../server/apply.js';
import type { DataTree } from '../server/data-tree.js';
import type { SubmittedWrite, WritePath, WriteSink } from '../server/write-path.js';
import { ServerState, type PeerInput, type PeerOutput } from './core/types.js';

/** The parts of PeerCore the write path reads (its tree and watches change owner on a sync). */
export interface ReplicaView {
  readonly tree: DataTree;
  readonly watches: WatchTables;
  readonly state: ServerState;
  /** The epoch this server last accepted as established (ZooKeeper's currentEpoch). */
  readonly currentEpoch: bigint;
}

/**
 * ServerCore's write path on a quorum member: writes, session creation and close, touches,
 * revalidations and syncs go to the PeerCore as inputs; the core's outputs come back through
 * `handle` and become replies (applied), held output (speculated/committed on the leader),
 * refusals, and the answers of revalidate and sync. Expiry is the leader core's job, so this
 * path never expires sessions itself.
 */
export class ReplicaWrites implements WritePath {
  readonly expiresSessions = false;
  private sink: WriteSink | undefined;
  private nextSyncToken = 1;
  private readonly syncs = new Map<number, () => void>();
  private readonly revalidations = new Map<bigint, Array<(valid: boolean) => void>>();

  constructor(
    private readonly replica: () => ReplicaView,
    private readonly feed: (input: PeerInput) => void,
  ) {}

  get tree(): DataTree {
    return this.replica().tree;
  }

  get watches(): WatchTables {
    return this.replica().watches;
  }

  get removesContainers(): boolean {
    return this.replica().state === ServerState.LEADING;
  }

  bind(sink: WriteSink): void {
    this.sink = sink;
  }

  submit(write: SubmittedWrite): void {
    this.feed({ kind: 'write', write });
  }

  revalidate(sessionId: bigint, timeoutMs: number, done: (valid: boolean) => void): void {
    const waiting = this.revalidations.get(sessionId);
    if (waiting !== undefined) {
      waiting.push(done);
      return;
    }
    this.revalidations.set(sessionId, [done]);
    this.feed({ kind: 'revalidate', sessionId, timeoutMs });
  }

  touch(sessionId: bigint, timeoutMs: number): void {
    this.feed({ kind: 'touch', sessionId, timeoutMs });
  }

  sync(done: () => void): void {
    const token = this.nextSyncToken;
    this.nextSyncToken = (this.nextSyncToken % 0x7fffffff) + 1;
    this.syncs.set(token, done);
    this.feed({ kind: 'sync', token });
  }

  /** Takes the core outputs that concern clients; false for the rest (the node executes those). */
  handle(output: PeerOutput): boolean {
    const sink = this.sink as WriteSink;
    switch (output.kind) {
      case 'applied':
        sink.applied(output.entry, output.result);
        return true;
      case 'speculated':
        sink.held(output.zxid);
        return true;
      case 'committed':
        sink.released(output.zxid);
        return true;
      case 'writeRefused':
        sink.refused(output.write, output.reason);
        return true;
      case 'revalidated': {
        const waiting = this.revalidations.get(output.sessionId) ?? [];
        this.revalidations.delete(output.sessionId);
        for (const done of waiting) done(output.valid);
        return true;
      }
      case 'synced': {
        const done = this.syncs.get(output.token);
        this.syncs.delete(output.token);
        done?.();
        return true;
      }
      default:
        return false;
    }
  }

  /** Clients were dropped (stopServing): nothing outstanding will be answered. */
  forgetPending(): void {
    const revalidations = [...this.revalidations.values()].flat();
    this.revalidations.clear();
    this.syncs.clear();
    for (const done of revalidations) done(false);
  }
}
