import { describe, expect, it } from 'vitest';
import { MarshallingError } from '../../../src/errors/errors.js';
import { decode, encode, type Codec } from '../../../src/jute/codec.js';
import { ACL, AclList, Stat, StatPersisted } from '../../../src/jute/records/data.js';
import { AuthPacket, ErrorResponse, MultiHeader, ReplyHeader, RequestHeader, WatcherEvent } from '../../../src/jute/records/headers.js';
import {
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  GetChildren2Response,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  SetDataRequest,
} from '../../../src/jute/records/requests.js';
import { CreateTxn, TxnHeader } from '../../../src/jute/records/txn.js';
import { AddWatchRequest, SetWatches } from '../../../src/jute/records/watches.js';
import { stat, statHex } from './fixtures.js';
import { fromHex, hex, toHex, utf8 } from './hex.js';
import { isRecordCodec, juteTypeName, recordModuleCodecs } from './schema.js';

/**
 * The record declarations of zookeeper.jute (apache/zookeeper, zookeeper-jute/src/main/resources),
 * reduced to one `type name;` per field with the package prefixes dropped. ClientInfo and
 * WhoAmIResponse are the whoAmI (opcode 107) records added in 3.9 (reference §1.4). Every record
 * codec we export must match one of these exactly, field for field, and vice versa.
 */
const zookeeperJute = `
  class Id { ustring scheme; ustring id; }
  class ACL { int perms; Id id; }
  class Stat { long czxid; long mzxid; long ctime; long mtime; int version; int cversion; int aversion;
               long ephemeralOwner; int dataLength; int numChildren; long pzxid; }
  class StatPersisted { long czxid; long mzxid; long ctime; long mtime; int version; int cversion; int aversion;
                        long ephemeralOwner; long pzxid; }
  class ClientInfo { ustring authScheme; ustring user; }

  class SetWatches { long relativeZxid; vector<ustring> dataWatches; vector<ustring> existWatches; vector<ustring> childWatches; }
  class SetWatches2 { long relativeZxid; vector<ustring> dataWatches; vector<ustring> existWatches; vector<ustring> childWatches;
                      vector<ustring> persistentWatches; vector<ustring> persistentRecursiveWatches; }
  class RequestHeader { int xid; int type; }
  class MultiHeader { int type; boolean done; int err; }
  class AuthPacket { int type; ustring scheme; buffer auth; }
  class ReplyHeader { int xid; long zxid; int err; }
  class GetDataRequest { ustring path; boolean watch; }
  class SetDataRequest { ustring path; buffer data; int version; }
  class ReconfigRequest { ustring joiningServers; ustring leavingServers; ustring newMembers; long curConfigId; }
  class SetDataResponse { Stat stat; }
  class GetSASLRequest { buffer token; }
  class SetSASLResponse { buffer token; }
  class CreateRequest { ustring path; buffer data; vector<ACL> acl; int flags; }
  class CreateTTLRequest { ustring path; buffer data; vector<ACL> acl; int flags; long ttl; }
  class DeleteRequest { ustring path; int version; }
  class GetChildrenRequest { ustring path; boolean watch; }
  class GetAllChildrenNumberRequest { ustring path; }
  class GetStatPersistedRequest { ustring path; }
  class GetChildren2Request { ustring path; boolean watch; }
  class CheckVersionRequest { ustring path; int version; }
  class SyncRequest { ustring path; }
  class SyncResponse { ustring path; }
  class GetACLRequest { ustring path; }
  class SetACLRequest { ustring path; vector<ACL> acl; int version; }
  class SetACLResponse { Stat stat; }
  class AddWatchRequest { ustring path; int mode; }
  class WatcherEvent { int type; int state; ustring path; }
  class ErrorResponse { int err; }
  class CreateResponse { ustring path; }
  class Create2Response { ustring path; Stat stat; }
  class ExistsRequest { ustring path; boolean watch; }
  class ExistsResponse { Stat stat; }
  class GetDataResponse { buffer data; Stat stat; }
  class GetChildrenResponse { vector<ustring> children; }
  class GetAllChildrenNumberResponse { int totalNumber; }
  class GetStatPersistedResponse { StatPersisted statPersisted; }
  class GetChildren2Response { vector<ustring> children; Stat stat; }
  class GetACLResponse { vector<ACL> acl; Stat stat; }
  class CheckWatchesRequest { ustring path; int type; }
  class RemoveWatchesRequest { ustring path; int type; }
  class GetEphemeralsRequest { ustring prefixPath; }
  class GetEphemeralsResponse { vector<ustring> ephemerals; }
  class WhoAmIResponse { vector<ClientInfo> clientInfo; }

  class FileHeader { int magic; int version; long dbid; }

  class TxnDigest { int version; long treeDigest; }
  class TxnHeader { long clientId; int cxid; long zxid; long time; int type; }
  class CreateTxnV0 { ustring path; buffer data; vector<ACL> acl; boolean ephemeral; }
  class CreateTxn { ustring path; buffer data; vector<ACL> acl; boolean ephemeral; int parentCVersion; }
  class CreateTTLTxn { ustring path; buffer data; vector<ACL> acl; int parentCVersion; long ttl; }
  class CreateContainerTxn { ustring path; buffer data; vector<ACL> acl; int parentCVersion; }
  class DeleteTxn { ustring path; }
  class SetDataTxn { ustring path; buffer data; int version; }
  class CheckVersionTxn { ustring path; int version; }
  class SetACLTxn { ustring path; vector<ACL> acl; int version; }
  class CreateSessionTxn { int timeOut; }
  class CloseSessionTxn { vector<ustring> paths2Delete; }
  class ErrorTxn { int err; }
  class Txn { int type; buffer data; }
  class MultiTxn { vector<Txn> txns; }
`;

function parseJute(text: string): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  for (const match of text.matchAll(/class\s+(\w+)\s*\{([^}]*)\}/g)) {
    const [, name = '', body = ''] = match;
    const fields = body
      .split(';')
      .map((f) => f.trim().replace(/\s+/g, ' '))
      .filter((f) => f.length > 0);
    classes.set(name, fields);
  }
  return classes;
}

describe('record layouts match zookeeper.jute', () => {
  const declared = parseJute(zookeeperJute);
  const records = recordModuleCodecs.filter((c) => isRecordCodec(c.codec));

  it('every declaration above has exactly one exported record codec, and vice versa', () => {
    expect(declared.size).toBe(64);
    expect(records.map((c) => c.name).sort()).toEqual([...declared.keys()].sort());
  });

  it.each(records.map((c) => [c.name, c.codec] as const))('%s', (name, codec) => {
    if (!isRecordCodec(codec)) throw new Error('filtered to records above');
    const ours = Object.entries(codec.fields).map(([field, fieldCodec]) => `${juteTypeName(fieldCodec)} ${field}`);
    expect(declared.has(name), `${name} is not declared in zookeeper.jute`).toBe(true);
    expect(ours).toEqual(declared.get(name));
  });
});

function golden<T>(codec: Codec<T>, value: T, bytes: string): void {
  expect(toHex(encode(codec, value))).toBe(hex(bytes));
  expect(decode(codec, fromHex(bytes))).toEqual(value);
}

describe('golden bytes', () => {
  it('Stat is 68 bytes in zookeeper.jute order', () => {
    expect(Stat.minBytes).toBe(68);
    expect(encode(Stat, stat).length).toBe(68);
    golden(Stat, stat, statHex);
  });

  it('StatPersisted drops dataLength and numChildren (60 bytes)', () => {
    const { dataLength: _d, numChildren: _n, ...persisted } = stat;
    expect(StatPersisted.minBytes).toBe(60);
    golden(StatPersisted, persisted, '0000000100000002 0000000100000003 0000018bcfe56800 0000018bcfe56801 00000003 ffffffff 00000000 0501234567890001 0000000100000004');
  });

  it('a container ephemeralOwner (Long.MIN_VALUE) round-trips in a Stat', () => {
    const container = { ...stat, ephemeralOwner: -(2n ** 63n) };
    const bytes = encode(Stat, container);
    expect(toHex(bytes.subarray(44, 52))).toBe('8000000000000000');
    expect(decode(Stat, bytes)).toEqual(container);
  });

  it('RequestHeader and ReplyHeader', () => {
    golden(RequestHeader, { xid: 1, type: 4 }, '00000001 00000004');
    golden(RequestHeader, { xid: -2, type: 11 }, 'fffffffe 0000000b');
    golden(ReplyHeader, { xid: 7, zxid: 0x100000005n, err: 0 }, '00000007 0000000100000005 00000000');
    golden(ReplyHeader, { xid: 8, zxid: 0x100000005n, err: -101 }, '00000008 0000000100000005 ffffff9b');
    // A notification carries zxid -1 when the event has none.
    golden(ReplyHeader, { xid: -1, zxid: -1n, err: 0 }, 'ffffffff ffffffffffffffff 00000000');
  });

  it('WatcherEvent', () => {
    golden(WatcherEvent, { type: 3, state: 3, path: '/a' }, '00000003 00000003 00000002 2f61');
  });

  it('MultiHeader, AuthPacket, ErrorResponse', () => {
    golden(MultiHeader, { type: 1, done: false, err: -1 }, '00000001 00 ffffffff');
    golden(MultiHeader, { type: -1, done: true, err: -1 }, 'ffffffff 01 ffffffff');
    golden(AuthPacket, { type: 0, scheme: 'digest', auth: utf8('u:p') }, '00000000 00000006 646967657374 00000003 753a70');
    golden(ErrorResponse, { err: -110 }, 'ffffff92');
  });

  it('CreateRequest with an OPEN_ACL_UNSAFE acl', () => {
    golden(
      CreateRequest,
      { path: '/app', data: utf8('hi'), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], flags: 3 },
      `00000004 2f617070
       00000002 6869
       00000001 0000001f 00000005 776f726c64 00000006 616e796f6e65
       00000003`,
    );
  });

  it('CreateTTLRequest appends the ttl long after flags', () => {
    golden(
      CreateTTLRequest,
      { path: '/t', data: null, acl: [], flags: 5, ttl: 60_000n },
      '00000002 2f74 ffffffff 00000000 00000005 000000000000ea60',
    );
  });

  it('ACL and AclList', () => {
    golden(ACL, { perms: 1, id: { scheme: 'auth', id: '' } }, '00000001 00000004 61757468 00000000');
    golden(AclList, [], '00000000');
  });

  it('DeleteRequest, GetDataRequest, SetDataRequest', () => {
    golden(DeleteRequest, { path: '/a', version: -1 }, '00000002 2f61 ffffffff');
    golden(GetDataRequest, { path: '/a', watch: true }, '00000002 2f61 01');
    golden(SetDataRequest, { path: '/a', data: new Uint8Array([0]), version: 2 }, '00000002 2f61 00000001 00 00000002');
  });

  it('GetDataResponse with null data', () => {
    golden(GetDataResponse, { data: null, stat }, `ffffffff ${statHex}`);
  });

  it('GetChildrenResponse and GetChildren2Response', () => {
    golden(GetChildrenResponse, { children: ['a', 'bc'] }, '00000002 00000001 61 00000002 6263');
    golden(GetChildren2Response, { children: [], stat }, `00000000 ${statHex}`);
  });

  it('SetWatches', () => {
    golden(
      SetWatches,
      { relativeZxid: 0x10n, dataWatches: ['/a'], existWatches: [], childWatches: ['/b', '/c'] },
      '0000000000000010 00000001 00000002 2f61 00000000 00000002 00000002 2f62 00000002 2f63',
    );
  });

  it('AddWatchRequest', () => {
    golden(AddWatchRequest, { path: '/a', mode: 1 }, '00000002 2f61 00000001');
  });

  it('TxnHeader and CreateTxn', () => {
    golden(
      TxnHeader,
      { clientId: 0x0501234567890001n, cxid: 9, zxid: 0x200000001n, time: 1_700_000_000_000n, type: 1 },
      '0501234567890001 00000009 0000000200000001 0000018bcfe56800 00000001',
    );
    golden(
      CreateTxn,
      { path: '/e', data: new Uint8Array(0), acl: [], ephemeral: true, parentCVersion: 4 },
      '00000002 2f65 00000000 00000000 01 00000004',
    );
  });

  it('a nested record truncated anywhere throws MarshallingError', () => {
    const bytes = fromHex(`ffffffff ${statHex}`);
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => decode(GetDataResponse, bytes.subarray(0, cut))).toThrow(MarshallingError);
    }
  });
});
