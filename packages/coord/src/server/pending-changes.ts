import type { ACL, StatPersisted } from '../jute/records/data.js';
import type { DataTree } from './data-tree.js';

/** What prep needs to know about a node: ZooKeeper's ChangeRecord. */
export interface NodeView {
  readonly stat: StatPersisted;
  readonly childCount: number;
  readonly acl: readonly ACL[];
}

/**
 * The tree as it will be once the transactions already prepared are applied (ZooKeeper's
 * outstandingChanges). A multi prepares each op against the effects of the ops before it, and
 * discards them all if one fails.
 */
export class PendingChanges {
  private readonly changes = new Map<string, NodeView | null>();

  constructor(private readonly tree: DataTree) {}

  get(path: string): NodeView | undefined {
    const changed = this.changes.get(path);
    if (changed !== undefined) return changed ?? undefined;
    const node = this.tree.get(path);
    if (node === undefined) return undefined;
    return { stat: node.stat, childCount: node.children.size, acl: node.acl };
  }

  set(path: string, view: NodeView | null): void {
    this.changes.set(path, view);
  }

  /** Paths created or removed by the pending changes, for closeSession's ephemeral list. */
  entries(): IterableIterator<[string, NodeView | null]> {
    return this.changes.entries();
  }

  clear(): void {
    this.changes.clear();
  }
}
