import type { Clock, TimerHandle } from '../util/clock.js';
import { ttlOf } from './ephemeral-type.js';
import type { DataTree } from './data-tree.js';
import type { ServerCore } from './zk-server.js';

/**
 * Which containers and TTL nodes are due for removal (ContainerManager.getCandidates): a
 * container once it has had children and has none left (or, if `maxNeverUsedMs` is set, an
 * unused one older than that); a TTL node with no children whose mtime is older than its TTL.
 */
export function sweepCandidates(tree: DataTree, nowMs: number, maxNeverUsedMs = 0): string[] {
  const out: string[] = [];
  for (const path of tree.containers) {
    const node = tree.get(path);
    if (node === undefined || node.children.size > 0) continue;
    if (node.stat.cversion > 0) out.push(path);
    else if (maxNeverUsedMs > 0 && nowMs - Number(node.stat.mtime) > maxNeverUsedMs) out.push(path);
  }
  for (const path of tree.ttls) {
    const node = tree.get(path);
    if (node === undefined || node.children.size > 0 || tree.kindOf(node.stat.ephemeralOwner) !== 'ttl') continue;
    const ttl = Number(ttlOf(node.stat.ephemeralOwner));
    if (ttl !== 0 && nowMs - Number(node.stat.mtime) > ttl) out.push(path);
  }
  return out;
}

/** Runs the sweep every interval on the injected clock, so tests drive it with a ManualClock. */
export class ContainerSweeper {
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(
    private readonly core: ServerCore,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
  }

  /** One pass now; returns the paths removed. */
  sweep(): string[] {
    // In an ensemble only the leader removes (its removals are replicated like any write).
    if (!this.core.removesContainers) return [];
    const removed = sweepCandidates(this.core.tree, this.clock.now());
    for (const path of removed) this.core.removeContainer(path);
    return removed;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.clock.setTimeout(() => {
      this.sweep();
      this.schedule();
    }, this.intervalMs);
  }
}
