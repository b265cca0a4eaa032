/**
 * Type tests for the public API (`@coordlab/coord` and `@coordlab/coord/testing`): the shapes
 * users program against, checked by `vitest typecheck` (never executed). A change that widens a
 * result to `any`, loosens a union or drops a method fails here before it reaches a user.
 */
import { assertType, describe, expectTypeOf, test } from 'vitest';
import {
  ChildrenCache,
  ConfigCentre,
  DistributedAtomicLong,
  DistributedDoubleBarrier,
  DistributedQueue,
  GroupMember,
  LeaderLatch,
  LeaderSelector,
  Mutex,
  NodeCache,
  PersistentNode,
  ServiceDiscovery,
  SharedCount,
  SharedValue,
  TreeCache,
  AddWatchMode,
  BadVersionError,
  ClientClosedError,
  CREATOR_ALL_ACL,
  ConnectionLossError,
  CoordClient,
  CoordError,
  CreateMode,
  ErrorCode,
  ManualClock,
  NoNodeError,
  NodeExistsError,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
  RealClock,
  RetryPolicy,
  Transaction,
  createClient,
  digestAcl,
  digestId,
  errorFromCode,
  ipAcl,
  isRetriableCode,
  parseConnectString,
  type ACL,
  type AclWithStat,
  type AddWatchModeName,
  type CallOptions,
  type ChildrenWithStat,
  type ClientInfo,
  type ClientOptions,
  type Clock,
  type ConnectionState,
  type CreateModeName,
  type CreateOptions,
  type Data,
  type DisconnectedPolicy,
  type ErrorCodeName,
  type EventTypeName,
  type Id,
  type NodeData,
  type OpResult,
  type ParsedConnectString,
  type ReadOp,
  type ReadResult,
  type Stat,
  type TransactionFailure,
  type WatchEvent,
  type WatchHandle,
  type WatchOptions,
  type Watcher,
  type WatcherTypeName,
} from '../../src/index.js';
import {
  apacheZooKeeperAvailable,
  dropConnection,
  expireSession,
  fourLetterWord,
  getFreePort,
  startApacheZooKeeper,
  startTcpProxy,
  waitForState,
  type ApacheZooKeeper,
  type StartApacheZooKeeperOptions,
  type TcpProxy,
  type TcpProxyOptions,
} from '../../src/testing/index.js';

declare const client: CoordClient;
declare const watcher: Watcher;

/** True when T is `any` (the only type that `1 & T` leaves assignable from 0). */
type IsAny<T> = 0 extends 1 & T ? true : false;
type MethodKeys<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];
/**
 * For every method of T: the names of those whose return type, awaited return type or any
 * parameter is `any`. `never` when nothing leaks. Covers methods added later without edits here.
 */
type AnyLeaks<T> = {
  [K in MethodKeys<T>]: T[K] extends (...args: infer P) => infer R
    ? IsAny<R> extends true
      ? `${K & string}: return`
      : IsAny<Awaited<R>> extends true
        ? `${K & string}: resolved value`
        : true extends { [I in keyof P]: IsAny<P[I]> }[number]
          ? `${K & string}: parameter`
          : never
    : never;
}[MethodKeys<T>];
type PropertyAnyLeaks<T> = { [K in keyof T]-?: IsAny<T[K]> extends true ? K : never }[keyof T];
/**
 * `true` if `any` hides anywhere inside T: in a property, an array element, a promised or iterated
 * value, a function's parameters or result. Byte arrays, errors and signals are leaves (their lib
 * types are not ours to check); for an async iterable only what it yields is checked, since the lib's
 * iterator types default their return and `next()` argument types to `any`. The depth bound keeps
 * self-returning methods (`on()` returns the client) finite.
 */
type DeepAny<T, Depth extends unknown[] = []> =
  IsAny<T> extends true
    ? true
    : Depth['length'] extends 6
      ? false
      : T extends Uint8Array | Error | AbortSignal | bigint | string | number | boolean | symbol | null | undefined | void
        ? false
        : T extends PromiseLike<infer U>
          ? DeepAny<U, [...Depth, 0]>
          : T extends AsyncIterable<infer U>
            ? DeepAny<U, [...Depth, 0]>
            : T extends (...args: infer P) => infer R
              ? DeepAny<R, [...Depth, 0]> | DeepAny<P, [...Depth, 0]>
              : T extends readonly unknown[]
                ? DeepAny<T[number], [...Depth, 0]>
                : T extends object
                  ? { [K in keyof T]-?: DeepAny<T[K], [...Depth, 0]> }[keyof T]
                  : false;
/** Per method, whether `any` hides in its signature; `false` for every method when clean. */
type DeepAnyByMethod<T> = { [K in MethodKeys<T>]-?: DeepAny<T[K]> };

describe('createClient and CoordClient', () => {
  test('createClient takes a connect string and options and returns a CoordClient', () => {
    expectTypeOf(createClient).toEqualTypeOf<(connectString: string, options?: ClientOptions) => CoordClient>();
    expectTypeOf(createClient('127.0.0.1:2181')).toEqualTypeOf<CoordClient>();
    expectTypeOf(createClient).toBeCallableWith('a:2181,b:2181/app', { sessionTimeoutMs: 10_000, whenDisconnected: { maxWaitMs: 500 } });
    expectTypeOf(CoordClient).constructorParameters.toEqualTypeOf<[connectString: string, options?: ClientOptions]>();
  });

  test('session properties', () => {
    expectTypeOf(client.state).toEqualTypeOf<ConnectionState>();
    expectTypeOf(client.sessionId).toEqualTypeOf<bigint>();
    expectTypeOf(client.sessionPassword).toEqualTypeOf<Uint8Array>();
    expectTypeOf(client.negotiatedTimeoutMs).toEqualTypeOf<number>();
    expectTypeOf(client.lastZxid).toEqualTypeOf<bigint>();
    expectTypeOf(client.connectedHost).toEqualTypeOf<string | undefined>();
  });

  test('ConnectionState is exactly the seven Curator-style states', () => {
    expectTypeOf<ConnectionState>().toEqualTypeOf<'connecting' | 'connected' | 'suspended' | 'reconnected' | 'lost' | 'closed' | 'readOnly'>();
  });

  test('events are typed per name', () => {
    client.on('state', (state) => expectTypeOf(state).toEqualTypeOf<ConnectionState>());
    client.once('error', (error) => expectTypeOf(error).toEqualTypeOf<Error>());
    expectTypeOf(client.on('state', () => undefined)).toEqualTypeOf<CoordClient>();
    expectTypeOf(client.off('state', () => undefined)).toEqualTypeOf<CoordClient>();
    // @ts-expect-error there is no 'connected' event: state changes arrive on 'state'
    client.on('connected', () => undefined);
    // @ts-expect-error a 'state' listener receives a ConnectionState, not a number
    client.on('state', (state: number) => state);
  });

  test('states() is an async iterable of ConnectionState', () => {
    expectTypeOf(client.states()).toExtend<AsyncIterable<ConnectionState>>();
    expectTypeOf(client.states()).toEqualTypeOf<AsyncIterableIterator<ConnectionState, undefined, undefined>>();
    async function consume(): Promise<void> {
      for await (const state of client.states()) expectTypeOf(state).toEqualTypeOf<ConnectionState>();
    }
    expectTypeOf(consume).returns.resolves.toBeVoid();
  });

  test('the client is AsyncDisposable and closes with a promise', () => {
    expectTypeOf<CoordClient>().toExtend<AsyncDisposable>();
    expectTypeOf(client[Symbol.asyncDispose]).returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf(client.close).toEqualTypeOf<() => Promise<void>>();
    expectTypeOf(client.waitForConnected).parameters.toEqualTypeOf<[options?: { signal?: AbortSignal; timeoutMs?: number }]>();
    expectTypeOf(client.waitForConnected).returns.toEqualTypeOf<Promise<void>>();
  });

  test('options reject wrong types', () => {
    // @ts-expect-error sessionTimeoutMs is a number of milliseconds, not a duration string
    createClient('127.0.0.1:2181', { sessionTimeoutMs: '30s' });
    // @ts-expect-error misspelt option names are excess properties
    createClient('127.0.0.1:2181', { sessionTimeout: 30_000 });
    // @ts-expect-error whenDisconnected is 'wait', 'fail' or { maxWaitMs }
    createClient('127.0.0.1:2181', { whenDisconnected: 'retry' });
    // @ts-expect-error a session id is a bigint (64-bit), not a number
    createClient('127.0.0.1:2181', { sessionId: 1 });
    // @ts-expect-error credentials need a scheme as well as the auth bytes
    createClient('127.0.0.1:2181', { auth: [{ auth: 'user:password' }] });
    // @ts-expect-error the connect string is a string, not a list of hosts
    createClient(['127.0.0.1:2181']);
    expectTypeOf<DisconnectedPolicy>().toEqualTypeOf<'wait' | 'fail' | { readonly maxWaitMs: number }>();
    assertType<ClientOptions>({ clock: new ManualClock(), random: () => 0.5, reconnectBackoff: { baseMs: 10, maxMs: 100 }, auth: [{ scheme: 'digest', auth: new Uint8Array(3) }] });
  });
});

describe('reads', () => {
  test('Stat: 64-bit fields are bigint, the rest are number', () => {
    expectTypeOf<Stat>().toEqualTypeOf<{
      czxid: bigint;
      mzxid: bigint;
      ctime: bigint;
      mtime: bigint;
      version: number;
      cversion: number;
      aversion: number;
      ephemeralOwner: bigint;
      dataLength: number;
      numChildren: number;
      pzxid: bigint;
    }>();
  });

  test('getData resolves to { data: Uint8Array; stat: Stat }', () => {
    expectTypeOf(client.getData('/a')).toEqualTypeOf<Promise<NodeData>>();
    expectTypeOf<NodeData>().toEqualTypeOf<{ readonly data: Uint8Array; readonly stat: Stat }>();
    expectTypeOf(client.getData).parameters.toEqualTypeOf<[path: string, options?: WatchOptions]>();
    expectTypeOf(client.getConfig()).toEqualTypeOf<Promise<NodeData>>();
  });

  test('exists resolves to Stat | null', () => {
    expectTypeOf(client.exists('/a')).toEqualTypeOf<Promise<Stat | null>>();
    expectTypeOf(client.exists).toBeCallableWith('/a', { watch: watcher, signal: new AbortController().signal, timeoutMs: 100 });
  });

  test('children, ACLs and the other reads', () => {
    expectTypeOf(client.getChildren('/a')).toEqualTypeOf<Promise<string[]>>();
    expectTypeOf(client.getChildrenWithStat('/a')).toEqualTypeOf<Promise<ChildrenWithStat>>();
    expectTypeOf<ChildrenWithStat>().toEqualTypeOf<{ readonly children: string[]; readonly stat: Stat }>();
    expectTypeOf(client.getACL('/a')).toEqualTypeOf<Promise<AclWithStat>>();
    expectTypeOf<AclWithStat>().toEqualTypeOf<{ readonly acl: ACL[]; readonly stat: Stat }>();
    expectTypeOf(client.getAllChildrenNumber('/a')).toEqualTypeOf<Promise<number>>();
    expectTypeOf(client.getEphemerals()).toEqualTypeOf<Promise<string[]>>();
    expectTypeOf(client.sync('/a')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(client.whoAmI()).toEqualTypeOf<Promise<ClientInfo[]>>();
    expectTypeOf<ClientInfo>().toEqualTypeOf<{ readonly scheme: string; readonly user: string }>();
  });

  test('multiRead takes getData/getChildren ops and resolves per-op results', () => {
    expectTypeOf(client.multiRead([{ kind: 'getData', path: '/a' }, { kind: 'getChildren', path: '/' }])).toEqualTypeOf<Promise<ReadResult[]>>();
    expectTypeOf<ReadOp['kind']>().toEqualTypeOf<'getData' | 'getChildren'>();
    expectTypeOf<ReadResult['kind']>().toEqualTypeOf<'getData' | 'getChildren' | 'error'>();
    expectTypeOf<Extract<ReadResult, { kind: 'getData' }>>().toEqualTypeOf<{ readonly kind: 'getData'; readonly data: Uint8Array; readonly stat: Stat }>();
    expectTypeOf<Extract<ReadResult, { kind: 'error' }>['error']>().toEqualTypeOf<CoordError>();
    // @ts-expect-error exists is not a multiRead op (ZooKeeper allows only getData and getChildren)
    void client.multiRead([{ kind: 'exists', path: '/a' }]);
  });
});

describe('writes', () => {
  test('create resolves to the path; createWithStat to { path, stat }', () => {
    expectTypeOf(client.create('/a')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(client.create).parameters.toEqualTypeOf<[path: string, data?: Data | null, options?: CreateOptions]>();
    expectTypeOf(client.createWithStat('/a', 'x')).toEqualTypeOf<Promise<{ path: string; stat: Stat }>>();
    expectTypeOf<Data>().toEqualTypeOf<Uint8Array | string>();
    expectTypeOf(client.create).toBeCallableWith('/a', new Uint8Array(2), { mode: 'EPHEMERAL_SEQUENTIAL', acl: OPEN_ACL_UNSAFE });
    expectTypeOf(client.create).toBeCallableWith('/t', null, { mode: 'PERSISTENT_WITH_TTL', ttlMs: 60_000 });
  });

  test('CreateModeName has exactly the seven modes', () => {
    expectTypeOf<CreateModeName>().toEqualTypeOf<
      'PERSISTENT' | 'EPHEMERAL' | 'PERSISTENT_SEQUENTIAL' | 'EPHEMERAL_SEQUENTIAL' | 'CONTAINER' | 'PERSISTENT_WITH_TTL' | 'PERSISTENT_SEQUENTIAL_WITH_TTL'
    >();
    expectTypeOf<keyof typeof CreateMode>().toEqualTypeOf<CreateModeName>();
    expectTypeOf(CreateMode.EPHEMERAL).toEqualTypeOf<1>();
  });

  test('write arguments reject wrong types', () => {
    // @ts-expect-error an unknown create mode is rejected at compile time
    void client.create('/a', null, { mode: 'EPHEMERAL_SEQ' });
    // @ts-expect-error data is bytes or a string, not a number
    void client.setData('/a', 42);
    // @ts-expect-error a version is a number (-1 for any)
    void client.delete('/a', '3');
    // @ts-expect-error an ACL list holds ACL records, not strings
    void client.setACL('/a', ['world:anyone']);
    // @ts-expect-error signal must be an AbortSignal
    void client.getData('/a', { signal: 1000 });
  });

  test('setData, delete, setACL, addAuth', () => {
    expectTypeOf(client.setData('/a', 'x')).toEqualTypeOf<Promise<Stat>>();
    expectTypeOf(client.setData).parameters.toEqualTypeOf<[path: string, data: Data | null, version?: number, options?: CallOptions]>();
    expectTypeOf(client.delete('/a')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(client.setACL('/a', CREATOR_ALL_ACL, 0)).toEqualTypeOf<Promise<Stat>>();
    expectTypeOf(client.addAuth('digest', 'u:p')).toEqualTypeOf<Promise<void>>();
  });
});

describe('transactions', () => {
  test('multi() builder methods chain and commit resolves to OpResult[]', () => {
    const tx = client.multi();
    expectTypeOf(tx).toEqualTypeOf<Transaction>();
    const chained = tx.check('/lock', 3).create('/a', 'x', { mode: 'EPHEMERAL' }).setData('/b', null, 2).delete('/c');
    expectTypeOf(chained).toEqualTypeOf<Transaction>();
    expectTypeOf(chained.size).toEqualTypeOf<number>();
    expectTypeOf(chained.commit()).toEqualTypeOf<Promise<OpResult[]>>();
    expectTypeOf(chained.commit).parameters.toEqualTypeOf<[options?: CallOptions]>();
  });

  test('OpResult is a union discriminated by kind', () => {
    expectTypeOf<OpResult['kind']>().toEqualTypeOf<'create' | 'delete' | 'setData' | 'check'>();
    expectTypeOf<Extract<OpResult, { kind: 'create' }>>().toEqualTypeOf<{ readonly kind: 'create'; readonly path: string; readonly stat: Stat | undefined }>();
    expectTypeOf<Extract<OpResult, { kind: 'setData' }>['stat']>().toEqualTypeOf<Stat>();
  });

  test('transaction ops take no per-call options', () => {
    // @ts-expect-error signal and timeoutMs belong to commit(), not to one op
    client.multi().create('/a', null, { signal: new AbortController().signal });
    // @ts-expect-error check needs the expected version
    client.multi().check('/lock');
  });
});

describe('watches', () => {
  test('WatchEvent fields', () => {
    expectTypeOf<WatchEvent>().toEqualTypeOf<{ readonly type: EventTypeName; readonly path: string; readonly zxid: bigint }>();
    expectTypeOf<EventTypeName>().toEqualTypeOf<
      'None' | 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged' | 'DataWatchRemoved' | 'ChildWatchRemoved' | 'PersistentWatchRemoved'
    >();
    expectTypeOf<Watcher>().toEqualTypeOf<(event: WatchEvent) => void>();
    expectTypeOf<WatchOptions['watch']>().toEqualTypeOf<Watcher | undefined>();
  });

  test('one-shot watches are passed per read', () => {
    void client.getData('/a', { watch: (event) => expectTypeOf(event).toEqualTypeOf<WatchEvent>() });
    void client.getChildren('/a', { watch: watcher });
    // @ts-expect-error a watch is a function, not a boolean as in the Java API
    void client.exists('/a', { watch: true });
  });

  test('persistent watches are handles with remove()', () => {
    expectTypeOf(client.addWatch('/a', 'PERSISTENT_RECURSIVE', watcher)).toEqualTypeOf<Promise<WatchHandle>>();
    expectTypeOf<WatchHandle>().toEqualTypeOf<{ readonly path: string; readonly mode: AddWatchModeName; remove(): Promise<void> }>();
    expectTypeOf<AddWatchModeName>().toEqualTypeOf<'PERSISTENT' | 'PERSISTENT_RECURSIVE'>();
    expectTypeOf<keyof typeof AddWatchMode>().toEqualTypeOf<AddWatchModeName>();
    // @ts-expect-error addWatch modes are PERSISTENT and PERSISTENT_RECURSIVE only
    void client.addWatch('/a', 'ONE_SHOT', watcher);
  });

  test('removeWatches and checkWatches take a WatcherType name', () => {
    expectTypeOf<WatcherTypeName>().toEqualTypeOf<'Children' | 'Data' | 'Any' | 'Persistent' | 'PersistentRecursive'>();
    expectTypeOf(client.removeWatches('/a', 'Any')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(client.checkWatches('/a', 'Data')).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error 'All' is not a watcher type; use 'Any'
    void client.removeWatches('/a', 'All');
  });
});

describe('errors', () => {
  test('NoNodeError has code, codeName, retriable and extends CoordError and Error', () => {
    const error = new NoNodeError({ path: '/a' });
    expectTypeOf(error).toExtend<CoordError>();
    expectTypeOf(error).toExtend<Error>();
    expectTypeOf(error.code).toEqualTypeOf<-101>();
    expectTypeOf(error.codeName).toEqualTypeOf<ErrorCodeName | 'UNKNOWN'>();
    expectTypeOf(error.retriable).toEqualTypeOf<boolean>();
    expectTypeOf(error.path).toEqualTypeOf<string | undefined>();
    expectTypeOf(NoNodeError.code).toEqualTypeOf<-101>();
    // Each class carries its literal code, so TypeScript tells them apart.
    expectTypeOf<NoNodeError>().not.toExtend<BadVersionError>();
    expectTypeOf<ClientClosedError['retriable']>().toEqualTypeOf<boolean>();
    expectTypeOf(ErrorCode.NONODE).toEqualTypeOf<-101>();
  });

  test('a failed transaction names the failing op', () => {
    expectTypeOf<CoordError['transaction']>().toEqualTypeOf<TransactionFailure | undefined>();
    expectTypeOf<TransactionFailure>().toEqualTypeOf<{ readonly failedIndex: number; readonly codes: readonly number[] }>();
  });

  test('instanceof narrows unknown errors', () => {
    function handle(error: unknown): void {
      if (error instanceof BadVersionError) expectTypeOf(error).toExtend<CoordError>();
      if (error instanceof CoordError) expectTypeOf(error.retriable).toEqualTypeOf<boolean>();
    }
    expectTypeOf(handle).parameter(0).toBeUnknown();
    expectTypeOf(errorFromCode(-101)).toEqualTypeOf<CoordError>();
    expectTypeOf(isRetriableCode).returns.toEqualTypeOf<boolean>();
    assertType<CoordError>(new ConnectionLossError());
    assertType<CoordError>(new NodeExistsError({ path: '/a', message: 'taken' }));
    // @ts-expect-error error details are an object, not a message string
    new NoNodeError('/a');
  });
});

describe('retry, ACL helpers, connect strings, clocks', () => {
  test('RetryPolicy', () => {
    const policy = new RetryPolicy({ baseSleepMs: 50, maxRetries: 3, isRetriable: (e) => e instanceof CoordError && e.retriable });
    expectTypeOf(policy.maxRetries).toEqualTypeOf<number>();
    expectTypeOf(policy.delayFor(2)).toEqualTypeOf<number>();
    const result = policy.run((attempt) => {
      expectTypeOf(attempt).toEqualTypeOf<number>();
      return client.getData('/a');
    });
    expectTypeOf(result).toEqualTypeOf<Promise<NodeData>>();
    // @ts-expect-error maxRetries is a number
    new RetryPolicy({ maxRetries: '3' });
  });

  test('ACL helpers and Perms', () => {
    expectTypeOf(digestAcl(Perms.ALL, 'user', 'secret')).toEqualTypeOf<ACL>();
    expectTypeOf(ipAcl(Perms.READ, '10.0.0.0/8')).toEqualTypeOf<ACL>();
    expectTypeOf(digestId('user', 'secret')).toEqualTypeOf<string>();
    expectTypeOf(OPEN_ACL_UNSAFE).toEqualTypeOf<readonly ACL[]>();
    expectTypeOf(READ_ACL_UNSAFE).toEqualTypeOf<readonly ACL[]>();
    expectTypeOf<ACL>().toEqualTypeOf<{ perms: number; id: Id }>();
    expectTypeOf<Id>().toEqualTypeOf<{ scheme: string; id: string }>();
    expectTypeOf(Perms.ALL).toEqualTypeOf<31>();
  });

  test('parseConnectString', () => {
    expectTypeOf(parseConnectString('a:1,b:2/app')).toEqualTypeOf<ParsedConnectString>();
    expectTypeOf<ParsedConnectString['chroot']>().toEqualTypeOf<string | undefined>();
  });

  test('clocks', () => {
    expectTypeOf(RealClock).toEqualTypeOf<Clock>();
    expectTypeOf<ManualClock>().toExtend<Clock>();
    expectTypeOf(new ManualClock().advance).toEqualTypeOf<(ms: number) => void>();
  });
});

describe('no any leaks', () => {
  test('no method of the client, the transaction or the retry policy has an any parameter or result', () => {
    expectTypeOf<AnyLeaks<CoordClient>>().toBeNever();
    expectTypeOf<AnyLeaks<Transaction>>().toBeNever();
    expectTypeOf<AnyLeaks<RetryPolicy>>().toBeNever();
    expectTypeOf<AnyLeaks<ManualClock>>().toBeNever();
    expectTypeOf<PropertyAnyLeaks<CoordClient>>().toBeNever();
    expectTypeOf<PropertyAnyLeaks<CoordError>>().toBeNever();
    expectTypeOf<PropertyAnyLeaks<ClientOptions>>().toBeNever();
    expectTypeOf<PropertyAnyLeaks<CreateOptions>>().toBeNever();
  });

  test('the important methods, one by one', () => {
    expectTypeOf<ReturnType<CoordClient['getData']>>().not.toBeAny();
    expectTypeOf<Parameters<CoordClient['getData']>>().not.toBeAny();
    expectTypeOf<ReturnType<CoordClient['exists']>>().not.toBeAny();
    expectTypeOf<Parameters<CoordClient['exists']>>().not.toBeAny();
    expectTypeOf<ReturnType<CoordClient['create']>>().not.toBeAny();
    expectTypeOf<Parameters<CoordClient['create']>>().not.toBeAny();
    expectTypeOf<ReturnType<CoordClient['setData']>>().not.toBeAny();
    expectTypeOf<ReturnType<CoordClient['multiRead']>>().not.toBeAny();
    expectTypeOf<ReturnType<CoordClient['addWatch']>>().not.toBeAny();
    expectTypeOf<ReturnType<CoordClient['states']>>().not.toBeAny();
    expectTypeOf<ReturnType<Transaction['commit']>>().not.toBeAny();
  });

  test('no any deep inside any method signature or option type', () => {
    expectTypeOf<DeepAnyByMethod<CoordClient>[MethodKeys<CoordClient>]>().toEqualTypeOf<false>();
    expectTypeOf<DeepAnyByMethod<Transaction>[MethodKeys<Transaction>]>().toEqualTypeOf<false>();
    expectTypeOf<DeepAnyByMethod<RetryPolicy>[MethodKeys<RetryPolicy>]>().toEqualTypeOf<false>();
    expectTypeOf<DeepAny<ClientOptions>>().toEqualTypeOf<false>();
    expectTypeOf<DeepAny<CreateOptions>>().toEqualTypeOf<false>();
    expectTypeOf<DeepAny<NodeData | ReadResult | OpResult | WatchEvent | WatchHandle | AclWithStat>>().toEqualTypeOf<false>();
    expectTypeOf<DeepAny<typeof startApacheZooKeeper | typeof startTcpProxy | typeof waitForState | typeof expireSession>>().toEqualTypeOf<false>();
  });

  test('the checks do find an any', () => {
    // JSON.parse returns `any`: a probe without writing the keyword.
    type Untyped = ReturnType<typeof JSON.parse>;
    type Shallow = { read(): Untyped; write(value: Untyped): void; fetch(): Promise<Untyped> };
    type Deep = { read(): Promise<{ items: { value: Untyped }[] }> };
    expectTypeOf<AnyLeaks<Shallow>>().toEqualTypeOf<'read: return' | 'write: parameter' | 'fetch: resolved value'>();
    expectTypeOf<AnyLeaks<Deep>>().toBeNever();
    expectTypeOf<DeepAny<Deep>>().toEqualTypeOf<true>();
    expectTypeOf<DeepAny<Stat>>().toEqualTypeOf<false>();
  });
});

describe('@coordlab/coord/testing', () => {
  test('startApacheZooKeeper resolves to a disposable server handle', () => {
    expectTypeOf(startApacheZooKeeper).toEqualTypeOf<(options?: StartApacheZooKeeperOptions) => Promise<ApacheZooKeeper>>();
    expectTypeOf<ApacheZooKeeper>().toExtend<AsyncDisposable>();
    expectTypeOf<ApacheZooKeeper['connectString']>().toEqualTypeOf<string>();
    expectTypeOf<ApacheZooKeeper['port']>().toEqualTypeOf<number>();
    expectTypeOf<ApacheZooKeeper['stop']>().toEqualTypeOf<() => Promise<void>>();
    expectTypeOf<ApacheZooKeeper['recentOutput']>().toEqualTypeOf<() => string>();
    expectTypeOf(startApacheZooKeeper).toBeCallableWith({ tickTimeMs: 500, extraConfig: { maxSessionTimeout: '60000' }, logLevel: 'info' });
    // @ts-expect-error logLevel is one of error | warn | info | debug
    void startApacheZooKeeper({ logLevel: 'trace' });
    expectTypeOf(apacheZooKeeperAvailable).toEqualTypeOf<() => boolean>();
  });

  test('startTcpProxy takes any { host, port } (an ApacheZooKeeper too)', () => {
    expectTypeOf(startTcpProxy).toEqualTypeOf<(target: { host: string; port: number }, options?: TcpProxyOptions) => Promise<TcpProxy>>();
    expectTypeOf(startTcpProxy).toBeCallableWith({} as ApacheZooKeeper, { record: true });
    expectTypeOf<TcpProxy>().toExtend<AsyncDisposable>();
    expectTypeOf<TcpProxy['dropConnections']>().toEqualTypeOf<() => void>();
    expectTypeOf<TcpProxy['pause']>().toEqualTypeOf<() => void>();
    expectTypeOf<TcpProxy['connectString']>().toEqualTypeOf<string>();
  });

  test('client fault helpers', () => {
    expectTypeOf(dropConnection).toEqualTypeOf<(client: CoordClient) => void>();
    expectTypeOf(waitForState).toEqualTypeOf<(client: CoordClient, states: ConnectionState | readonly ConnectionState[], timeoutMs?: number) => Promise<ConnectionState>>();
    expectTypeOf(waitForState).toBeCallableWith(client, ['connected', 'reconnected'], 5_000);
    expectTypeOf(expireSession).toEqualTypeOf<(client: CoordClient, connectString: string, timeoutMs?: number) => Promise<void>>();
    // @ts-expect-error 'gone' is not a ConnectionState
    void waitForState(client, 'gone');
  });

  test('ports and four-letter words', () => {
    expectTypeOf(getFreePort).toEqualTypeOf<(host?: string) => Promise<number>>();
    expectTypeOf(fourLetterWord).toEqualTypeOf<(host: string, port: number, word: string, timeoutMs?: number) => Promise<string>>();
  });
});

describe('recipes', () => {
  test('every recipe that holds a resource can be disposed with `await using`', () => {
    expectTypeOf<InstanceType<typeof LeaderLatch>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof LeaderSelector>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof DistributedQueue>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof DistributedDoubleBarrier>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof TreeCache>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof ChildrenCache>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof NodeCache>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof PersistentNode>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof GroupMember>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof SharedCount>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof SharedValue>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof DistributedAtomicLong>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof ServiceDiscovery>>().toExtend<AsyncDisposable>();
    expectTypeOf<InstanceType<typeof ConfigCentre>>().toExtend<AsyncDisposable>();
  });

  test('lock leases carry a bigint fencing token and are disposable', () => {
    expectTypeOf<Awaited<ReturnType<InstanceType<typeof Mutex>['acquire']>>>().toExtend<AsyncDisposable>();
    expectTypeOf<Awaited<ReturnType<InstanceType<typeof Mutex>['acquire']>>['fencingToken']>().toEqualTypeOf<bigint>();
  });
});
