import { ServerState, type PeerId, type ZabPhase } from '../../quorum/core/types.js';
import type { Checkers } from './checkers.js';
import type { Fingerprint } from './types.js';

/**
 * What one simulated peer's outputs prove committed, for the checkers. A learner applying in
 * broadcast (on COMMIT or INFORM) proves its txn committed at once; a leader's applies wait for
 * its `committed` output; a learner's applies during sync wait for its UPTODATE (the new epoch's
 * NEWLEADER quorum is what commits a DIFF's txns). Shared by the randomized simulator's shell and
 * the scripted cluster's.
 */
export class CommitTracker {
  /** Applied but not yet known committed: a leader's speculation, a learner's sync-phase txns. */
  private pending: { zxid: bigint; fp: Fingerprint }[] = [];
  private readonly speculated = new Set<bigint>();
  private reported: { state: ServerState; phase: ZabPhase } = { state: ServerState.LOOKING, phase: 'election' };

  constructor(
    private readonly id: PeerId,
    private readonly checkers: Checkers,
  ) {}

  /** The peer restarted: nothing it applied before is pending any more. */
  restart(): void {
    this.forget();
    this.reported = { state: ServerState.LOOKING, phase: 'election' };
  }

  /** The peer's state was rebuilt from disk (TRUNC): what was pending went with it. */
  forget(): void {
    this.pending = [];
    this.speculated.clear();
  }

  state(state: ServerState, phase: ZabPhase, epoch: bigint, leader: PeerId | undefined): void {
    this.reported = { state, phase };
    if (phase === 'broadcast' && state !== ServerState.LEADING) {
      // UPTODATE: the NEWLEADER quorum committed what the sync brought.
      for (const t of this.pending) this.checkers.onCommitted(this.id, t.zxid, t.fp);
      this.pending = [];
    } else if (phase === 'election') {
      this.forget();
    }
    this.checkers.onState(this.id, state, phase, epoch, leader);
  }

  speculatedTxn(zxid: bigint): void {
    this.speculated.add(zxid);
  }

  applied(zxid: bigint, fp: Fingerprint): void {
    this.checkers.onApplied(this.id, zxid, fp);
    const r = this.reported;
    if (r.phase === 'broadcast' && r.state !== ServerState.LEADING && !this.speculated.has(zxid)) this.checkers.onCommitted(this.id, zxid, fp);
    else this.pending.push({ zxid, fp });
  }

  committed(zxid: bigint): void {
    const keep: { zxid: bigint; fp: Fingerprint }[] = [];
    for (const s of this.pending) {
      if (s.zxid <= zxid) {
        this.checkers.onCommitted(this.id, s.zxid, s.fp);
        this.speculated.delete(s.zxid);
      } else keep.push(s);
    }
    this.pending = keep;
  }
}
