/**
 * A small typed, promise-based wrapper over node-zookeeper-client 1.1.3 (a CommonJS package with
 * no type declarations). Everything that comes back from the library is `unknown` and is narrowed
 * field by field, so a change in its shapes fails loudly here instead of passing silently.
 *
 * Library facts the tests rely on (from its source):
 * - It sends the pre-3.4 ConnectRequest: no trailing readOnly byte.
 * - CreateMode has PERSISTENT/EPHEMERAL/*_SEQUENTIAL only; any other number is sent as the flags
 *   of a plain create (opcode 1), which is how the tests send container and TTL flags.
 * - Transaction.check/setData/remove turn version 0 into -1 (`version || -1`).
 * - Longs (zxids, times, session ids) are 8-byte big-endian Buffers; getChildren uses opcode 12.
 */
import { createRequire } from 'node:module';

type AnyFunction = (...args: unknown[]) => unknown;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function field(target: unknown, name: string): unknown {
  if (!isRecord(target)) throw new TypeError(`node-zookeeper-client: expected an object with "${name}", got ${typeof target}`);
  return target[name];
}

function method(target: unknown, name: string): AnyFunction {
  const fn = field(target, name);
  if (typeof fn !== 'function') throw new TypeError(`node-zookeeper-client: "${name}" is not a function`);
  return (...args: unknown[]): unknown => Reflect.apply(fn, target, args);
}

function numberField(target: unknown, name: string): number {
  const value = field(target, name);
  if (typeof value !== 'number') throw new TypeError(`node-zookeeper-client: "${name}" is not a number`);
  return value;
}

function stringField(target: unknown, name: string): string {
  const value = field(target, name);
  if (typeof value !== 'string') throw new TypeError(`node-zookeeper-client: "${name}" is not a string`);
  return value;
}

function longField(target: unknown, name: string): bigint {
  const value = field(target, name);
  if (!Buffer.isBuffer(value) || value.length !== 8) throw new TypeError(`node-zookeeper-client: "${name}" is not an 8-byte long`);
  return value.readBigInt64BE(0);
}

function construct(ctor: unknown, args: unknown[]): unknown {
  if (typeof ctor !== 'function') throw new TypeError('node-zookeeper-client: not a constructor');
  return Reflect.construct(ctor, args);
}

const library: unknown = createRequire(import.meta.url)('node-zookeeper-client');

export interface NzcStat {
  readonly czxid: bigint;
  readonly mzxid: bigint;
  readonly pzxid: bigint;
  readonly ctime: bigint;
  readonly mtime: bigint;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: bigint;
  readonly dataLength: number;
  readonly numChildren: number;
}

export interface NzcAcl {
  readonly perms: number;
  readonly scheme: string;
  readonly id: string;
}

export interface NzcEvent {
  /** The library's name for the type: NODE_CREATED, NODE_DELETED, NODE_DATA_CHANGED, NODE_CHILDREN_CHANGED. */
  readonly type: string;
  readonly path: string;
}

export type NzcOp =
  | { readonly op: 'create'; readonly path: string; readonly data?: string; readonly mode?: number; readonly acl?: readonly NzcAcl[] }
  | { readonly op: 'delete'; readonly path: string; readonly version?: number }
  | { readonly op: 'setData'; readonly path: string; readonly data: string; readonly version?: number }
  | { readonly op: 'check'; readonly path: string; readonly version?: number };

export type NzcOpResult =
  | { readonly type: 'create'; readonly path: string }
  | { readonly type: 'delete' }
  | { readonly type: 'setData'; readonly stat: NzcStat }
  | { readonly type: 'check' }
  | { readonly type: 'error'; readonly code: number };

/** A ZooKeeper error as the library reports it (its Exception: a code and a name). */
export class NzcError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
  ) {
    super(`${codeName} (${code})`);
  }
}

export const NzcPerms = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;
/** The library's CreateMode plus the numbers it does not name (sent as plain create flags). */
export const NzcMode = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const;

function toStat(raw: unknown): NzcStat {
  return {
    czxid: longField(raw, 'czxid'),
    mzxid: longField(raw, 'mzxid'),
    pzxid: longField(raw, 'pzxid'),
    ctime: longField(raw, 'ctime'),
    mtime: longField(raw, 'mtime'),
    version: numberField(raw, 'version'),
    cversion: numberField(raw, 'cversion'),
    aversion: numberField(raw, 'aversion'),
    ephemeralOwner: longField(raw, 'ephemeralOwner'),
    dataLength: numberField(raw, 'dataLength'),
    numChildren: numberField(raw, 'numChildren'),
  };
}

function toError(raw: unknown): Error {
  if (isRecord(raw) && typeof raw['getCode'] === 'function' && typeof raw['name'] === 'string') {
    const code = method(raw, 'getCode')();
    if (typeof code === 'number') return new NzcError(code, raw['name']);
  }
  return raw instanceof Error ? raw : new Error(`node-zookeeper-client failed with ${String(raw)}`);
}

function toAclObject(acl: NzcAcl): unknown {
  const id = construct(field(library, 'Id'), [acl.scheme, acl.id]);
  return construct(field(library, 'ACL'), [acl.perms, id]);
}

function fromAclObject(raw: unknown): NzcAcl {
  const id = field(raw, 'id');
  return { perms: numberField(raw, 'permission'), scheme: stringField(id, 'scheme'), id: stringField(id, 'id') };
}

function toEvent(raw: unknown): NzcEvent {
  const path = field(raw, 'path');
  return { type: stringField(raw, 'name'), path: typeof path === 'string' ? path : '' };
}

/** Calls `fn(...args, callback)` and resolves with the callback's values after the error. */
function invoke(fn: AnyFunction, args: unknown[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    fn(...args, (error: unknown, ...results: unknown[]) => {
      if (error !== null && error !== undefined) reject(toError(error));
      else resolve(results);
    });
  });
}

function buffer(data: string | null | undefined): Buffer | null {
  return data === null || data === undefined ? null : Buffer.from(data, 'utf8');
}

function text(raw: unknown): string | null {
  return Buffer.isBuffer(raw) ? raw.toString('utf8') : null;
}

const OPCODE_RESULT: Readonly<Record<number, NzcOpResult['type']>> = { 1: 'create', 2: 'delete', 5: 'setData', 13: 'check', [-1]: 'error' };

function toOpResult(raw: unknown): NzcOpResult {
  const type = OPCODE_RESULT[numberField(raw, 'type')];
  switch (type) {
    case 'create':
      return { type, path: stringField(raw, 'path') };
    case 'setData':
      return { type, stat: toStat(field(raw, 'stat')) };
    case 'error':
      return { type, code: numberField(raw, 'err') };
    case 'delete':
    case 'check':
      return { type };
    default:
      throw new TypeError(`node-zookeeper-client: unknown multi result type ${String(field(raw, 'type'))}`);
  }
}

export class NzcClient {
  private constructor(private readonly client: unknown) {}

  /** Creates a client, connects, and resolves once it reports 'connected'. */
  static connect(connectString: string, options: { sessionTimeoutMs?: number; timeoutMs?: number } = {}): Promise<NzcClient> {
    const client = method(library, 'createClient')(connectString, { sessionTimeout: options.sessionTimeoutMs ?? 10_000, spinDelay: 100, retries: 0 });
    const wrapper = new NzcClient(client);
    return new Promise<NzcClient>((resolve, reject) => {
      const timer = setTimeout(() => {
        method(client, 'close')();
        reject(new Error(`node-zookeeper-client did not connect to ${connectString} within ${options.timeoutMs ?? 15_000} ms`));
      }, options.timeoutMs ?? 15_000);
      method(client, 'once')('connected', () => {
        clearTimeout(timer);
        resolve(wrapper);
      });
      method(client, 'connect')();
    });
  }

  get sessionId(): bigint {
    const id = method(this.client, 'getSessionId')();
    if (!Buffer.isBuffer(id) || id.length !== 8) throw new TypeError('node-zookeeper-client: getSessionId() is not an 8-byte Buffer');
    return id.readBigInt64BE(0);
  }

  get negotiatedTimeoutMs(): number {
    const value = method(this.client, 'getSessionTimeout')();
    if (typeof value !== 'number') throw new TypeError('node-zookeeper-client: getSessionTimeout() is not a number');
    return value;
  }

  async create(path: string, data: string | null, options: { mode?: number; acl?: readonly NzcAcl[] } = {}): Promise<string> {
    const acls = (options.acl ?? [{ perms: NzcPerms.ALL, scheme: 'world', id: 'anyone' }]).map(toAclObject);
    const [created] = await invoke(method(this.client, 'create'), [path, buffer(data), acls, options.mode ?? NzcMode.PERSISTENT]);
    if (typeof created !== 'string') throw new TypeError('node-zookeeper-client: create did not return a path');
    return created;
  }

  async remove(path: string, version = -1): Promise<void> {
    await invoke(method(this.client, 'remove'), [path, version]);
  }

  async exists(path: string, watcher?: (event: NzcEvent) => void): Promise<NzcStat | null> {
    const args: unknown[] = watcher === undefined ? [path] : [path, (e: unknown) => watcher(toEvent(e))];
    const [stat] = await invoke(method(this.client, 'exists'), args);
    return stat === null || stat === undefined ? null : toStat(stat);
  }

  async getData(path: string, watcher?: (event: NzcEvent) => void): Promise<{ data: string | null; stat: NzcStat }> {
    const args: unknown[] = watcher === undefined ? [path] : [path, (e: unknown) => watcher(toEvent(e))];
    const [data, stat] = await invoke(method(this.client, 'getData'), args);
    return { data: text(data), stat: toStat(stat) };
  }

  /** The library cannot send null data with setData (it reads data.length); pass '' for empty. */
  async setData(path: string, data: string, version = -1): Promise<NzcStat> {
    const [stat] = await invoke(method(this.client, 'setData'), [path, buffer(data), version]);
    return toStat(stat);
  }

  async getChildren(path: string, watcher?: (event: NzcEvent) => void): Promise<{ children: string[]; stat: NzcStat }> {
    const args: unknown[] = watcher === undefined ? [path] : [path, (e: unknown) => watcher(toEvent(e))];
    const [children, stat] = await invoke(method(this.client, 'getChildren'), args);
    if (!Array.isArray(children) || !children.every((c): c is string => typeof c === 'string')) throw new TypeError('node-zookeeper-client: children are not strings');
    return { children, stat: toStat(stat) };
  }

  async getACL(path: string): Promise<{ acl: NzcAcl[]; stat: NzcStat }> {
    const [acls, stat] = await invoke(method(this.client, 'getACL'), [path]);
    if (!Array.isArray(acls)) throw new TypeError('node-zookeeper-client: getACL did not return an array');
    return { acl: acls.map(fromAclObject), stat: toStat(stat) };
  }

  async setACL(path: string, acl: readonly NzcAcl[], version = -1): Promise<NzcStat> {
    const [stat] = await invoke(method(this.client, 'setACL'), [path, acl.map(toAclObject), version]);
    return toStat(stat);
  }

  /**
   * Commits a multi. Resolves with the per-op results and, when an op failed, the error the
   * library derived from the first failing result (it reports both, like the Java client).
   */
  transaction(ops: readonly NzcOp[]): Promise<{ error: NzcError | undefined; results: NzcOpResult[] }> {
    const tx = method(this.client, 'transaction')();
    for (const op of ops) {
      switch (op.op) {
        case 'create': {
          const acls = (op.acl ?? [{ perms: NzcPerms.ALL, scheme: 'world', id: 'anyone' }]).map(toAclObject);
          method(tx, 'create')(op.path, buffer(op.data), acls, op.mode ?? NzcMode.PERSISTENT);
          break;
        }
        case 'delete':
          method(tx, 'remove')(op.path, op.version ?? -1);
          break;
        case 'setData':
          method(tx, 'setData')(op.path, buffer(op.data), op.version ?? -1);
          break;
        case 'check':
          method(tx, 'check')(op.path, op.version ?? -1);
          break;
      }
    }
    return new Promise((resolve, reject) => {
      method(tx, 'commit')((error: unknown, results: unknown) => {
        const failure = error === null || error === undefined ? undefined : toError(error);
        if (!Array.isArray(results)) {
          reject(failure ?? new TypeError('node-zookeeper-client: multi returned no results'));
          return;
        }
        if (failure !== undefined && !(failure instanceof NzcError)) {
          reject(failure);
          return;
        }
        resolve({ error: failure, results: results.map(toOpResult) });
      });
    });
  }

  addAuthInfo(scheme: string, auth: string): void {
    method(this.client, 'addAuthInfo')(scheme, Buffer.from(auth, 'utf8'));
  }

  /**
   * close() sends closeSession; the library reports 'disconnected' when the server, having
   * answered it, closes the connection. Resolves then; rejects if that does not happen in time.
   */
  close(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`node-zookeeper-client: no 'disconnected' within ${timeoutMs} ms of close()`)), timeoutMs);
      method(this.client, 'once')('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      method(this.client, 'close')();
    });
  }
}
