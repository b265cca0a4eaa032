import { ErrorCode } from '../errors/codes.js';
import { BadArgumentsError, CoordError, errorFromCode } from '../errors/errors.js';
import { encode, type Codec } from '../jute/codec.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../jute/frame-reader.js';
import { AddWatchMode, OpCode, WatcherType } from '../jute/opcodes.js';
import type { JuteReader } from '../jute/reader.js';
import { isInt32, type JuteWriter } from '../jute/writer.js';
import type { ACL, Stat } from '../jute/records/data.js';
import { ErrorResponse } from '../jute/records/headers.js';
import { MultiRequest, MultiResponse } from '../jute/records/multi.js';
import {
  Create2Response,
  CreateResponse,
  DeleteRequest,
  ExistsRequest,
  ExistsResponse,
  GetACLRequest,
  GetACLResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  SetACLRequest,
  SetACLResponse,
  SetDataRequest,
  SetDataResponse,
  SyncRequest,
  SyncResponse,
  WhoAmIResponse,
} from '../jute/records/requests.js';
import { AddWatchRequest, CheckWatchesRequest, RemoveWatchesRequest } from '../jute/records/watches.js';
import { RealClock } from '../util/clock.js';
import { addChroot, stripChroot, validatePath } from '../util/paths.js';
import { parseConnectString } from './connect-string.js';
import { Session, type RequestSpec } from './session.js';
import { StateStream } from './state-stream.js';
import { Transaction } from './transaction.js';
import { buildCreate, encodeCreateOp, isSequentialMode, toData } from './create-request.js';
import type { OneShotKind, PersistentKind } from './watch-manager.js';
import type {
  AclWithStat,
  AddWatchModeName,
  CallOptions,
  ChildrenWithStat,
  ClientEvents,
  ClientInfo,
  ClientOptions,
  ConnectionState,
  CreateOptions,
  Data,
  NodeData,
  ReadOp,
  ReadResult,
  WatchHandle,
  Watcher,
  WatcherTypeName,
  WatchOptions,
} from './types.js';

const CONFIG_NODE = '/zookeeper/config';
const EMPTY = new Uint8Array(0);

/**
 * A ZooKeeper client. Created connecting; every call returns a promise and takes optional
 * `{ signal, timeoutMs }`. Paths are client paths: the connect string's chroot is applied on
 * the way out and removed on the way back. Calls that return a promise never throw
 * synchronously: invalid arguments (paths, TTLs, ACLs) reject it with BadArgumentsError.
 */
export class CoordClient {
  private readonly session: Session;
  private readonly chroot: string | undefined;

  constructor(connectString: string, options: ClientOptions = {}) {
    const target = parseConnectString(connectString);
    this.chroot = target.chroot;
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
    if (!(sessionTimeoutMs > 0)) throw new BadArgumentsError({ message: `sessionTimeoutMs must be positive, got ${sessionTimeoutMs}` });
    this.session = new Session(
      target,
      {
        sessionTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs ?? Math.max(1000, Math.floor(sessionTimeoutMs / target.hosts.length)),
        requestTimeoutMs: options.requestTimeoutMs ?? 0,
        whenDisconnected: options.whenDisconnected ?? 'wait',
        noServerTimeoutMs: options.noServerTimeoutMs ?? 2 * sessionTimeoutMs,
        canBeReadOnly: options.canBeReadOnly ?? false,
        reconnectBackoff: options.reconnectBackoff ?? { baseMs: 50, maxMs: 1000 },
        maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES + 64 * 1024,
        clock: options.clock ?? RealClock,
        random: options.random ?? Math.random,
        shuffleHosts: options.shuffleHosts ?? true,
      },
      options.sessionId === undefined ? undefined : { sessionId: options.sessionId, password: options.sessionPassword ?? new Uint8Array(16) },
      (options.auth ?? []).map((a) => ({ scheme: a.scheme, auth: toData(a.auth) ?? EMPTY })),
    );
  }

  // --- session ----------------------------------------------------------------------------

  get state(): ConnectionState {
    return this.session.state;
  }
  get sessionId(): bigint {
    return this.session.sessionId;
  }
  get sessionPassword(): Uint8Array {
    return this.session.sessionPassword;
  }
  get negotiatedTimeoutMs(): number {
    return this.session.negotiatedTimeoutMs;
  }
  /** Highest zxid seen from any server in this session. */
  get lastZxid(): bigint {
    return this.session.lastZxid;
  }
  /** `host:port` of the server currently connected, if any. */
  get connectedHost(): string | undefined {
    return this.session.connectedHost;
  }

  on<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): this {
    this.session.on(event, listener);
    return this;
  }
  off<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): this {
    this.session.off(event, listener);
    return this;
  }
  once<K extends keyof ClientEvents>(event: K, listener: ClientEvents[K]): this {
    this.session.once(event, listener);
    return this;
  }

  /** Every state change from now on, ending after `closed`. */
  states(): AsyncIterableIterator<ConnectionState, undefined, undefined> {
    return new StateStream(this.session);
  }

  waitForConnected(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    return this.session.waitForConnected(options);
  }

  /** Ends the session (closeSession) and the connection. Safe to call more than once. */
  close(): Promise<void> {
    return this.session.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- reads ------------------------------------------------------------------------------

  /** The node's Stat, or null when it does not exist. A watch is set either way (NodeCreated fires for a missing node). */
  async exists(path: string, options: WatchOptions = {}): Promise<Stat | null> {
    const serverPath = this.serverPath(path);
    return this.call<Stat | null>({
      opcode: OpCode.exists,
      writeBody: bodyWriter(ExistsRequest, { path: serverPath, watch: this.askServerToWatch(options.watch, 'data', serverPath) }),
      path,
      decode: (r) => ExistsResponse.read(r).stat,
      onError: (err) => (err === ErrorCode.NONODE ? { value: null } : undefined),
      afterReply: this.watchOnReply(options.watch, serverPath, (err) => (err === ErrorCode.OK ? 'data' : err === ErrorCode.NONODE ? 'exist' : undefined)),
      ...callOptions(options),
    });
  }

  async getData(path: string, options: WatchOptions = {}): Promise<NodeData> {
    return this.getDataAt(this.serverPath(path), path, options);
  }

  /** The ensemble's dynamic configuration (`/zookeeper/config`), read outside any chroot as the Java client does. */
  async getConfig(options: WatchOptions = {}): Promise<NodeData> {
    return this.getDataAt(CONFIG_NODE, CONFIG_NODE, options);
  }

  private getDataAt(serverPath: string, path: string, options: WatchOptions): Promise<NodeData> {
    return this.call({
      opcode: OpCode.getData,
      writeBody: bodyWriter(GetDataRequest, { path: serverPath, watch: this.askServerToWatch(options.watch, 'data', serverPath) }),
      path,
      decode: (r) => {
        const { data, stat } = GetDataResponse.read(r);
        return { data: data ?? EMPTY, stat };
      },
      afterReply: this.watchOnReply(options.watch, serverPath, (err) => (err === ErrorCode.OK ? 'data' : undefined)),
      ...callOptions(options),
    });
  }

  /** Children names (getChildren, opcode 8). */
  async getChildren(path: string, options: WatchOptions = {}): Promise<string[]> {
    const serverPath = this.serverPath(path);
    return this.call({
      opcode: OpCode.getChildren,
      writeBody: bodyWriter(GetChildrenRequest, { path: serverPath, watch: this.askServerToWatch(options.watch, 'child', serverPath) }),
      path,
      decode: (r) => GetChildrenResponse.read(r).children,
      afterReply: this.watchOnReply(options.watch, serverPath, (err) => (err === ErrorCode.OK ? 'child' : undefined)),
      ...callOptions(options),
    });
  }

  /** Children names and the parent's Stat (getChildren2, opcode 12). */
  async getChildrenWithStat(path: string, options: WatchOptions = {}): Promise<ChildrenWithStat> {
    const serverPath = this.serverPath(path);
    return this.call({
      opcode: OpCode.getChildren2,
      writeBody: bodyWriter(GetChildrenRequest, { path: serverPath, watch: this.askServerToWatch(options.watch, 'child', serverPath) }),
      path,
      decode: (r) => GetChildren2Response.read(r),
      afterReply: this.watchOnReply(options.watch, serverPath, (err) => (err === ErrorCode.OK ? 'child' : undefined)),
      ...callOptions(options),
    });
  }

  async getACL(path: string, options: CallOptions = {}): Promise<AclWithStat> {
    return this.simple(OpCode.getACL, GetACLRequest, { path: this.serverPath(path) }, path, (r) => GetACLResponse.read(r), options);
  }

  /** Number of all descendants of a node (not counting the node). */
  async getAllChildrenNumber(path: string, options: CallOptions = {}): Promise<number> {
    return this.simple(OpCode.getAllChildrenNumber, GetAllChildrenNumberRequest, { path: this.serverPath(path) }, path, (r) => GetAllChildrenNumberResponse.read(r).totalNumber, options);
  }

  /** This session's ephemeral nodes whose paths start with `prefixPath` (a plain string prefix, as the server matches). */
  async getEphemerals(prefixPath = '/', options: CallOptions = {}): Promise<string[]> {
    return this.simple(OpCode.getEphemerals, GetEphemeralsRequest, { prefixPath: addChroot(this.chroot, prefixPath) }, prefixPath, (r) =>
      GetEphemeralsResponse.read(r).ephemerals.map((p) => stripChroot(this.chroot, p)),
    options);
  }

  /** Waits until the server this client talks to has caught up with the leader. */
  async sync(path: string, options: CallOptions = {}): Promise<string> {
    return this.simple(OpCode.sync, SyncRequest, { path: this.serverPath(path) }, path, (r) => stripChroot(this.chroot, SyncResponse.read(r).path), options);
  }

  /** The identities this session has authenticated as. */
  async whoAmI(options: CallOptions = {}): Promise<ClientInfo[]> {
    return this.call({
      opcode: OpCode.whoAmI,
      body: undefined,
      decode: (r) => WhoAmIResponse.read(r).clientInfo.map((c) => ({ scheme: c.authScheme, user: c.user })),
      ...callOptions(options),
    });
  }

  /** Reads several nodes in one round trip; each op succeeds or fails on its own. */
  async multiRead(ops: readonly ReadOp[], options: CallOptions = {}): Promise<ReadResult[]> {
    const request = ops.map((op) => {
      const path = this.serverPath(op.path);
      return op.kind === 'getData'
        ? { type: OpCode.getData, request: { path, watch: false } }
        : { type: OpCode.getChildren, request: { path, watch: false } };
    });
    return this.call({
      opcode: OpCode.multiRead,
      body: encode(MultiRequest, request),
      decode: (r) =>
        MultiResponse.read(r).map((result, i): ReadResult => {
          if (result.type === OpCode.getData) return { kind: 'getData', data: result.data ?? EMPTY, stat: result.stat };
          if (result.type === OpCode.getChildren) return { kind: 'getChildren', children: result.children };
          const err = result.type === OpCode.error ? result.err : ErrorCode.MARSHALLINGERROR;
          return { kind: 'error', error: errorFromCode(err, { path: ops[i]?.path }) };
        }),
      ...callOptions(options),
    });
  }

  // --- writes -----------------------------------------------------------------------------

  /** Creates a node and returns its path (the sequential name when sequential). */
  async create(path: string, data: Data | null = null, options: CreateOptions = {}): Promise<string> {
    const result = await this.createNode(path, data, options, false);
    return result.path;
  }

  /** Creates a node and returns its path and Stat (create2, or createContainer/createTTL). */
  async createWithStat(path: string, data: Data | null = null, options: CreateOptions = {}): Promise<{ path: string; stat: Stat }> {
    return this.createNode(path, data, options, true) as Promise<{ path: string; stat: Stat }>;
  }

  private createNode(path: string, data: Data | null, options: CreateOptions, withStat: boolean): Promise<{ path: string; stat: Stat | undefined }> {
    const op = buildCreate(this.serverPath(path, isSequentialMode(options.mode)), data, options, withStat);
    const opcode = op.type;
    const body = encodeCreateOp(op);
    const stripped = (p: string) => stripChroot(this.chroot, p);
    return this.call({
      opcode,
      body,
      path,
      decode: (r) => {
        if (opcode === OpCode.create) return { path: stripped(CreateResponse.read(r).path), stat: undefined };
        const res = Create2Response.read(r);
        return { path: stripped(res.path), stat: res.stat };
      },
      ...callOptions(options),
    });
  }

  /** Deletes a node; version -1 matches any version. */
  async delete(path: string, version = -1, options: CallOptions = {}): Promise<void> {
    return this.simple(OpCode.delete, DeleteRequest, { path: this.serverPath(path), version }, path, () => undefined, options, isInt32(version));
  }

  async setData(path: string, data: Data | null, version = -1, options: CallOptions = {}): Promise<Stat> {
    const bytes = toData(data);
    const encodable = isInt32(version) && (bytes === null || bytes instanceof Uint8Array);
    return this.simple(OpCode.setData, SetDataRequest, { path: this.serverPath(path), data: bytes, version }, path, (r) => SetDataResponse.read(r).stat, options, encodable);
  }

  async setACL(path: string, acl: readonly ACL[], version = -1, options: CallOptions = {}): Promise<Stat> {
    return this.simple(OpCode.setACL, SetACLRequest, { path: this.serverPath(path), acl: [...acl], version }, path, (r) => SetACLResponse.read(r).stat, options);
  }

  /** An atomic transaction: ops added to the builder are committed with one multi. */
  multi(): Transaction {
    return new Transaction(
      (p, sequential) => this.serverPath(p, sequential),
      (p) => stripChroot(this.chroot, p),
      (spec) => this.call(spec),
    );
  }

  /** Adds credentials, e.g. `addAuth('digest', 'user:password')`; kept for reconnects. */
  addAuth(scheme: string, auth: Data): Promise<void> {
    return this.session.addAuth(scheme, toData(auth) ?? EMPTY);
  }

  // --- watches ----------------------------------------------------------------------------

  /** A persistent (or persistent-recursive) watch, kept across reconnects until removed. */
  async addWatch(path: string, mode: AddWatchModeName, listener: Watcher, options: CallOptions = {}): Promise<WatchHandle> {
    const serverPath = this.serverPath(path);
    const kind: PersistentKind = mode === 'PERSISTENT' ? 'persistent' : 'persistentRecursive';
    await this.call({
      opcode: OpCode.addWatch,
      body: encode(AddWatchRequest, { path: serverPath, mode: AddWatchMode[mode] }),
      path,
      // The reply carries an ErrorResponse-shaped int; older servers send nothing.
      decode: (r) => (r.remaining >= 4 ? ErrorResponse.read(r) : undefined),
      afterReply: (err) => {
        if (err !== ErrorCode.OK) return;
        this.session.watches.register(kind, serverPath, listener);
        // On a server with one mode per path the recursive registration replaced any one-shot
        // child watch held there (recursive watches never deliver NodeChildrenChanged): restore it.
        if (kind === 'persistentRecursive' && !this.session.watches.has('persistent', serverPath) && this.session.watches.has('child', serverPath)) {
          this.session.reRegisterWatches(serverPath, ['child']);
        }
      },
      ...callOptions(options),
    });
    let removed = false;
    return {
      path,
      mode,
      remove: async () => {
        if (removed) return;
        removed = true;
        const last = this.session.watches.unregister(kind, serverPath, listener);
        if (!last) return;
        // ZooKeeper 3.8 knows only the Children/Data/Any watch types, so the server-side watch is
        // removed with Any (which also drops this connection's other watches on the path) and
        // whatever the client still holds there is registered again at once.
        await this.call({ opcode: OpCode.removeWatches, body: encode(RemoveWatchesRequest, { path: serverPath, type: WatcherType.Any }), path, decode: () => undefined }).catch((err: unknown) => {
          if (!(err instanceof CoordError && err.code === ErrorCode.NOWATCHER)) throw err;
        });
        this.session.reRegisterWatches(serverPath);
      },
    };
  }

  /**
   * Removes this client's watches of a type on a path, on the server (removeWatches, opcode 18)
   * and locally; each removed watcher gets a *WatchRemoved event. NoWatcherError when there were none.
   */
  async removeWatches(path: string, type: WatcherTypeName, options: CallOptions = {}): Promise<void> {
    const serverPath = this.serverPath(path);
    await this.call({ opcode: OpCode.removeWatches, body: encode(RemoveWatchesRequest, { path: serverPath, type: WatcherType[type] }), path, decode: () => undefined, ...callOptions(options) });
    const kinds = watchKinds(type);
    for (const [eventType, group] of kinds) {
      const removed = this.session.watches.removeAll(group, serverPath);
      this.session.deliver(removed, { type: eventType, path, zxid: -1n });
    }
  }

  /** Asks the server whether this client has a watch of the type on the path (checkWatches, opcode 17). */
  async checkWatches(path: string, type: WatcherTypeName, options: CallOptions = {}): Promise<void> {
    await this.call({ opcode: OpCode.checkWatches, body: encode(CheckWatchesRequest, { path: this.serverPath(path), type: WatcherType[type] }), path, decode: () => undefined, ...callOptions(options) });
  }

  // --- helpers ----------------------------------------------------------------------------

  private serverPath(path: string, sequential = false): string {
    return addChroot(this.chroot, validatePath(path, sequential));
  }

  private call<T>(spec: RequestSpec<T>): Promise<T> {
    return this.session.submit(spec);
  }

  /**
   * A request with a path and a plain decoder. `encodable`: the request is known to encode
   * without error, so its body can be written straight into the outgoing batch; otherwise it is
   * encoded now and bad arguments reject the call before it is queued.
   */
  private simple<Req, T>(opcode: number, codec: Codec<Req>, request: Req, path: string, decode: (r: JuteReader) => T, options: CallOptions, encodable = false): Promise<T> {
    const body = encodable ? undefined : encode(codec, request);
    const writeBody = encodable ? bodyWriter(codec, request) : undefined;
    return this.call({ opcode, body, writeBody, path, decode, ...callOptions(options) });
  }

  /**
   * Whether a read must ask the server for a watch. Not when a persistent watch this client holds
   * on the path already delivers the events: the one-shot watcher is then fed from those, and a
   * server that keeps one mode per path (ZooKeeper 3.8) is not made to drop the persistent one.
   */
  private askServerToWatch(watch: Watcher | undefined, kind: 'data' | 'child', serverPath: string): boolean {
    return watch !== undefined && !this.session.watches.covers(kind, serverPath);
  }

  private watchOnReply(watch: Watcher | undefined, serverPath: string, kindFor: (err: number) => OneShotKind | undefined): ((err: number) => void) | undefined {
    if (watch === undefined) return undefined;
    return (err) => {
      const kind = kindFor(err);
      if (kind !== undefined) this.session.watches.register(kind, serverPath, watch);
    };
  }
}

/** Creates a client; it starts connecting at once. */
export function createClient(connectString: string, options: ClientOptions = {}): CoordClient {
  return new CoordClient(connectString, options);
}

/**
 * Encodes `request` straight into the connection's outgoing batch. Only for requests known to
 * encode without error (a validated path, a flag, checked ints and bytes); others are encoded up
 * front with encode(), so bad arguments reject the call before it is queued.
 */
function bodyWriter<R>(codec: Codec<R>, request: R): (w: JuteWriter) => void {
  return (w) => codec.write(w, request);
}

function callOptions(options: CallOptions): { signal?: AbortSignal; timeoutMs?: number } {
  const out: { signal?: AbortSignal; timeoutMs?: number } = {};
  if (options.signal !== undefined) out.signal = options.signal;
  if (options.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  return out;
}

function watchKinds(type: WatcherTypeName): [ 'DataWatchRemoved' | 'ChildWatchRemoved' | 'PersistentWatchRemoved', (OneShotKind | PersistentKind)[]][] {
  switch (type) {
    case 'Children':
      return [['ChildWatchRemoved', ['child']]];
    case 'Data':
      return [['DataWatchRemoved', ['data', 'exist']]];
    case 'Persistent':
      return [['PersistentWatchRemoved', ['persistent']]];
    case 'PersistentRecursive':
      return [['PersistentWatchRemoved', ['persistentRecursive']]];
    case 'Any':
      return [
        ['ChildWatchRemoved', ['child']],
        ['DataWatchRemoved', ['data', 'exist']],
        ['PersistentWatchRemoved', ['persistent', 'persistentRecursive']],
      ];
  }
}
