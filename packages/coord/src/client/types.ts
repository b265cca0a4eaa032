import type { ACL, Id, Stat } from '../jute/records/data.js';
import type { AddWatchModeName, CreateModeName, EventTypeName, WatcherTypeName } from '../jute/opcodes.js';
import type { Clock } from '../util/clock.js';
import type { CoordError } from '../errors/errors.js';

export type { ACL, Id, Stat, AddWatchModeName, CreateModeName, EventTypeName, WatcherTypeName };

/**
 * Connection states as Curator names them. `connected` is the first connection only;
 * `suspended` means the connection dropped but the session may live; `reconnected` that it
 * came back with the same session; `lost` that the session is gone (server said expired, or no
 * server was reachable for the whole negotiated timeout); `closed` that close() ran.
 */
export type ConnectionState = 'connecting' | 'connected' | 'suspended' | 'reconnected' | 'lost' | 'closed' | 'readOnly';

/** A node event as delivered to a watcher. `path` is client-visible (chroot removed). */
export interface WatchEvent {
  readonly type: EventTypeName;
  readonly path: string;
  /**
   * The zxid of the change that fired the event, as the server reports it; -1n for
   * client-generated events, and for every event from servers that do not report it (Apache
   * ZooKeeper before 3.9 always sends -1).
   */
  readonly zxid: bigint;
}

export type Watcher = (event: WatchEvent) => void;

/** Per-call options for anything that can block. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Overrides the client's requestTimeoutMs for this call. */
  readonly timeoutMs?: number;
}

export interface WatchOptions extends CallOptions {
  /** A one-shot watcher, registered on the server with this read. */
  readonly watch?: Watcher;
}

export type Data = Uint8Array | string;

export interface CreateOptions extends CallOptions {
  /** Default PERSISTENT. */
  readonly mode?: CreateModeName;
  /** Default OPEN_ACL_UNSAFE (world:anyone, all permissions). */
  readonly acl?: readonly ACL[];
  /** Required for the *_WITH_TTL modes. */
  readonly ttlMs?: number;
}

export interface NodeData {
  readonly data: Uint8Array;
  readonly stat: Stat;
}

export interface ChildrenWithStat {
  readonly children: string[];
  readonly stat: Stat;
}

export interface AclWithStat {
  readonly acl: ACL[];
  readonly stat: Stat;
}

export interface ClientInfo {
  readonly scheme: string;
  readonly user: string;
}

/** What the client does with a call made while it has no connection. */
export type DisconnectedPolicy =
  | 'wait'
  | 'fail'
  | { readonly maxWaitMs: number };

export interface ClientOptions {
  /** Requested session timeout; the server clamps it (2..20 ticks by default). Default 30000. */
  readonly sessionTimeoutMs?: number;
  /** How long one TCP connect + handshake may take per host. Default sessionTimeoutMs / hosts. */
  readonly connectTimeoutMs?: number;
  /** Default timeout for each request, 0 for none. Default 0. */
  readonly requestTimeoutMs?: number;
  /** Calls made while disconnected: queue until reconnected ('wait'), up to a bound, or fail fast. Default 'wait'. */
  readonly whenDisconnected?: DisconnectedPolicy;
  /**
   * When no server has answered for this long, calls waiting for a connection fail with a
   * ConnectionLossError naming the hosts and an 'error' event is emitted. Default 2 × sessionTimeoutMs.
   */
  readonly noServerTimeoutMs?: number;
  /** Accept read-only servers (canBeReadOnly). Default false. */
  readonly canBeReadOnly?: boolean;
  /** Credentials sent on every (re)connect, e.g. `{ scheme: 'digest', auth: 'user:password' }`. */
  readonly auth?: readonly { readonly scheme: string; readonly auth: Data }[];
  /** Resume an existing session. */
  readonly sessionId?: bigint;
  readonly sessionPassword?: Uint8Array;
  /** Shuffle the host list before the first attempt (ZooKeeper does). Default true. */
  readonly shuffleHosts?: boolean;
  /** Reconnect backoff between attempts after a full pass over the hosts. Default 50..1000 ms. */
  readonly reconnectBackoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Largest frame accepted from a server. Default 1 MiB plus slack (see jute). */
  readonly maxFrameBytes?: number;
  /** Injected time and randomness, for deterministic tests. */
  readonly clock?: Clock;
  readonly random?: () => number;
}

export interface ClientEvents {
  state: (state: ConnectionState) => void;
  /** Client-level problems that are not tied to one call (e.g. no server reachable). */
  error: (error: Error) => void;
}

/** A persistent or persistent-recursive watch. Survives reconnects; ends with remove(). */
export interface WatchHandle {
  readonly path: string;
  readonly mode: AddWatchModeName;
  remove(): Promise<void>;
}

/** One op of a multi read (multiRead, opcode 22). */
export type ReadOp = { readonly kind: 'getData'; readonly path: string } | { readonly kind: 'getChildren'; readonly path: string };

export type ReadResult =
  | { readonly kind: 'getData'; readonly data: Uint8Array; readonly stat: Stat }
  | { readonly kind: 'getChildren'; readonly children: string[] }
  | { readonly kind: 'error'; readonly error: CoordError };

/** The result of one op of a committed transaction. */
export type OpResult =
  | { readonly kind: 'create'; readonly path: string; readonly stat: Stat | undefined }
  | { readonly kind: 'delete' }
  | { readonly kind: 'setData'; readonly stat: Stat }
  | { readonly kind: 'check' };
