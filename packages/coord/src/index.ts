// @coordlab/coord public API.
export { CoordClient, createClient } from './client/client.js';
export { Transaction } from './client/transaction.js';
export { RetryPolicy, type RetryPolicyOptions } from './client/retry.js';
export { parseConnectString, type HostAddress, type ParsedConnectString } from './client/connect-string.js';
export {
  ANYONE_ID_UNSAFE,
  AUTH_IDS,
  CREATOR_ALL_ACL,
  OPEN_ACL_UNSAFE,
  READ_ACL_UNSAFE,
  digestAcl,
  digestId,
  ipAcl,
} from './client/acl.js';
export type {
  ACL,
  AclWithStat,
  AddWatchModeName,
  CallOptions,
  ChildrenWithStat,
  ClientEvents,
  ClientInfo,
  ClientOptions,
  ConnectionState,
  CreateModeName,
  CreateOptions,
  Data,
  DisconnectedPolicy,
  EventTypeName,
  Id,
  NodeData,
  OpResult,
  ReadOp,
  ReadResult,
  Stat,
  WatchEvent,
  WatchHandle,
  WatchOptions,
  Watcher,
  WatcherTypeName,
} from './client/types.js';
export { AddWatchMode, CreateMode, EventType, KeeperState, OpCode, Perms, WatcherType } from './jute/opcodes.js';
export * from './errors/index.js';
export { RealClock, ManualClock, type Clock, type TimerHandle } from './util/clock.js';
export { CoordServer, startServer, type ServerOptions } from './server/server.js';
export { startAdminServer, startMetricsServer } from './server/admin/index.js';
export * from './recipes/leader/index.js';
export * from './recipes/shared/index.js';
export * from './recipes/discovery/index.js';
export * from './recipes/config/index.js';
export * from './recipes/queue/index.js';
export * from './recipes/barriers/index.js';
export * from './recipes/cache/index.js';
export * from './recipes/nodes/index.js';
export * from './recipes/locks/index.js';
