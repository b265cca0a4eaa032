import { TypedEmitter } from '../../client/emitter.js';
import type { CoordClient } from '../../client/client.js';
import type { Data } from '../../client/types.js';
import { ChildrenCache } from '../cache/children-cache.js';
import type { CachedNode } from '../cache/pure/cache-state.js';
import { PersistentNode } from './persistent-node.js';

export interface GroupMemberEvents {
  /** A member appeared (also each member found by the initial load). */
  joined: (id: string, data: Uint8Array) => void;
  /** A member's data changed. */
  updated: (id: string, data: Uint8Array) => void;
  /** A member left: closed, deleted, or its session expired. */
  left: (id: string) => void;
  error: (error: unknown) => void;
}

/**
 * Group membership (Curator's GroupMember): this process is the EPHEMERAL node
 * `<membershipPath>/<thisId>` kept by a PersistentNode, and the group is a ChildrenCache of
 * `membershipPath`. Missing parents are created as containers.
 *
 * Connection states are those of the two parts: on `suspended` the view may be stale and our
 * node lives on with the session; on `reconnected` the view is reloaded (changes made while
 * away are emitted) and our node is re-created if it went; after `lost` our node is created in
 * the new session and the view reloaded, so other members see us leave and come back.
 */
export class GroupMember extends TypedEmitter<GroupMemberEvents> {
  private readonly node: PersistentNode;
  private readonly cache: ChildrenCache;

  constructor(
    client: CoordClient,
    readonly membershipPath: string,
    readonly thisId: string,
    payload: Data | null = null,
  ) {
    super();
    if (thisId === '' || thisId.includes('/')) throw new Error(`GroupMember: invalid member id '${thisId}'`);
    this.node = new PersistentNode(client, `${membershipPath === '/' ? '' : membershipPath}/${thisId}`, payload, { mode: 'EPHEMERAL' });
    this.cache = new ChildrenCache(client, membershipPath);
    this.node.on('error', (err) => this.emit('error', err));
    this.cache.on('error', (err) => this.emit('error', err));
    this.cache.on('added', (n) => this.emit('joined', idOf(n), n.data));
    this.cache.on('updated', (n) => this.emit('updated', idOf(n), n.data));
    this.cache.on('removed', (n) => this.emit('left', idOf(n)));
  }

  /**
   * Joins: starts keeping our node and loads the group view. Resolves once the view is loaded;
   * our own node may still be on its way (see waitForJoined).
   */
  async start(): Promise<void> {
    this.node.start();
    await this.cache.start();
  }

  /** True once our node has been created, false after the timeout. */
  waitForJoined(options: { timeoutMs: number }): Promise<boolean> {
    return this.node.waitForInitialCreate(options);
  }

  /** Sets our member data. */
  setThisData(data: Data | null): Promise<void> {
    return this.node.setData(data);
  }

  /**
   * The members as this process sees them, id → data. Always includes this member with its
   * current data, as Curator does, even before the cache has seen our node.
   */
  getCurrentMembers(): Map<string, Uint8Array> {
    const members = new Map<string, Uint8Array>();
    for (const n of this.cache.entries()) members.set(idOf(n), n.data);
    members.set(this.thisId, this.node.currentData);
    return members;
  }

  /** Leaves the group (deletes our node) and stops watching it. */
  async close(): Promise<void> {
    try {
      await this.node.close();
    } finally {
      await this.cache.close();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function idOf(node: CachedNode): string {
  return node.path.slice(node.path.lastIndexOf('/') + 1);
}
