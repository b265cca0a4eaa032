import { javaHex } from './format.js';
import type { ServerStatsSource, WatchView } from './stats-source.js';

function groupBy<K>(watches: readonly WatchView[], key: (w: WatchView) => K): Map<K, WatchView[]> {
  const out = new Map<K, WatchView[]>();
  for (const w of watches) {
    const k = key(w);
    const list = out.get(k);
    if (list === undefined) out.set(k, [w]);
    else list.push(w);
  }
  return out;
}

/** Paths watched, by session (DataTree.getWatches: one entry per watching connection). */
export function watchesBySession(source: ServerStatsSource): { sessionId: bigint; paths: string[] }[] {
  return [...groupBy(source.dataWatches(), (w) => w.connectionId).values()].map((list) => ({
    sessionId: list[0]?.sessionId ?? 0n,
    paths: list.map((w) => w.path),
  }));
}

/** Watching sessions, by path (DataTree.getWatchesByPath). */
export function watchesByPath(source: ServerStatsSource): Map<string, bigint[]> {
  return new Map([...groupBy(source.dataWatches(), (w) => w.path)].map(([path, list]) => [path, list.map((w) => w.sessionId)]));
}

/** WatchesSummary: connections watching, paths watched, watches in all. */
export function watchSummary(source: ServerStatsSource): { connections: number; paths: number; total: number } {
  const watches = source.dataWatches();
  return { connections: new Set(watches.map((w) => w.connectionId)).size, paths: new Set(watches.map((w) => w.path)).size, total: watches.length };
}

/** `wchs` (WatchManager.toString). */
export function wchsText(source: ServerStatsSource): string {
  const s = watchSummary(source);
  return `${s.connections} connections watching ${s.paths} paths\nTotal watches:${s.total}\n`;
}

/** `wchc` (WatchManager.dumpWatches by connection). */
export function wchcText(source: ServerStatsSource): string {
  const lines = watchesBySession(source).map(({ sessionId, paths }) => `0x${javaHex(sessionId)}\n${paths.map((p) => `\t${p}\n`).join('')}`);
  return `${lines.join('')}\n`;
}

/** `wchp` (WatchManager.dumpWatches by path). */
export function wchpText(source: ServerStatsSource): string {
  const lines = [...watchesByPath(source)].map(([path, ids]) => `${path}\n${ids.map((id) => `\t0x${javaHex(id)}\n`).join('')}`);
  return `${lines.join('')}\n`;
}
