import { int, long, record, ustring, vector, type ValueOf } from '../codec.js';

/** Stat: 68 bytes, field order as in zookeeper.jute (org.apache.zookeeper.data). */
export const Stat = record({
  czxid: long,
  mzxid: long,
  ctime: long,
  mtime: long,
  version: int,
  cversion: int,
  aversion: int,
  ephemeralOwner: long,
  dataLength: int,
  numChildren: int,
  pzxid: long,
});
export type Stat = ValueOf<typeof Stat>;

/** The on-disk Stat: no dataLength or numChildren (they are derived). */
export const StatPersisted = record({
  czxid: long,
  mzxid: long,
  ctime: long,
  mtime: long,
  version: int,
  cversion: int,
  aversion: int,
  ephemeralOwner: long,
  pzxid: long,
});
export type StatPersisted = ValueOf<typeof StatPersisted>;

export const Id = record({ scheme: ustring, id: ustring });
export type Id = ValueOf<typeof Id>;

export const ACL = record({ perms: int, id: Id });
export type ACL = ValueOf<typeof ACL>;

export const AclList = vector(ACL);
