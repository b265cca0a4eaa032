import { int, long, record, ustring, vector, type Codec } from '../codec.js';

/**
 * Stat: 68 bytes, field order as in zookeeper.jute (org.apache.zookeeper.data). Read on most
 * replies, so it has a hand-written reader (checked against the field list by record()).
 */
export const Stat = record(
  {
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
  },
  {
    read: (r) => ({
      czxid: r.long(),
      mzxid: r.long(),
      ctime: r.long(),
      mtime: r.long(),
      version: r.int(),
      cversion: r.int(),
      aversion: r.int(),
      ephemeralOwner: r.long(),
      dataLength: r.int(),
      numChildren: r.int(),
      pzxid: r.long(),
    }),
  },
);
/** A node's metadata as clients see it. 64-bit fields are bigint so nothing is rounded. */
export interface Stat {
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
}

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
export interface StatPersisted {
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  pzxid: bigint;
}

export const Id = record({ scheme: ustring, id: ustring });
/** An identity: `world:anyone`, `digest:user:hash`, `ip:10.0.0.0/8`, `auth:`. */
export interface Id {
  scheme: string;
  id: string;
}

export const ACL = record({ perms: int, id: Id });
/** Permission bits (Perms) granted to an identity. */
export interface ACL {
  perms: number;
  id: Id;
}

// The declared interfaces and the codecs must describe the same records.
const _sameShape: [Codec<Stat>, Codec<StatPersisted>, Codec<Id>, Codec<ACL>] = [Stat, StatPersisted, Id, ACL];
void _sameShape;

export const AclList = vector(ACL);
