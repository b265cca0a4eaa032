/**
 * Recognises the log lines in which a member says how it synchronised with a leader. Pure.
 *
 * Apache ZooKeeper 3.8 logs at INFO: the learner (Learner.syncWithLeader) "Getting a diff from
 * the leader", "Getting a snapshot from leader", "Truncating log to get in sync with the
 * leader"; the leader (LearnerHandler) "Sending DIFF zxid=...", "Sending TRUNC zxid=...",
 * "Sending snapshot ...". coord's leader logs pino JSON "sync <sid>: DIFF of n txns ..."; any
 * other JSON line naming DIFF, TRUNC or SNAP counts too, on the leader's side when it says it
 * sends. `learner` is the learner's sid when the line names it.
 */
import type { SyncEvent } from './types.js';

const APACHE: ReadonlyArray<{ readonly pattern: RegExp; readonly mode: SyncEvent['mode']; readonly side: SyncEvent['side'] }> = [
  { pattern: /Getting a diff from the leader/, mode: 'DIFF', side: 'learner' },
  { pattern: /Getting a snapshot from leader/, mode: 'SNAP', side: 'learner' },
  { pattern: /Truncating log to get in sync with the leader/, mode: 'TRUNC', side: 'learner' },
  { pattern: /Sending DIFF zxid/, mode: 'DIFF', side: 'leader' },
  { pattern: /Sending TRUNC zxid/, mode: 'TRUNC', side: 'leader' },
  { pattern: /Sending snapshot/, mode: 'SNAP', side: 'leader' },
];

type Parsed = Pick<SyncEvent, 'mode' | 'side'> & { learner?: number };

export function parseSyncLine(line: string): Parsed | undefined {
  for (const { pattern, mode, side } of APACHE) {
    if (!pattern.test(line)) continue;
    const sid = side === 'leader' ? /peer sid: (\d+)/.exec(line)?.[1] : undefined;
    return sid === undefined ? { mode, side } : { mode, side, learner: Number(sid) };
  }
  if (!line.startsWith('{')) return undefined;
  const coord = /\bsync (\d+): (DIFF|TRUNC|SNAP)\b/.exec(line);
  if (coord !== null) return { mode: coord[2] as SyncEvent['mode'], side: 'leader', learner: Number(coord[1]) };
  const mode = /\b(DIFF|TRUNC|SNAP)\b/.exec(line)?.[1];
  if (mode !== 'DIFF' && mode !== 'TRUNC' && mode !== 'SNAP') return undefined;
  return { mode, side: /send/i.test(line) ? 'leader' : 'learner' };
}
