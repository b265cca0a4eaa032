import { bool, buffer, int, long, record, ustring, vector, type ValueOf } from '../codec.js';
import { AclList, Stat, StatPersisted } from './data.js';

// Requests and responses of org.apache.zookeeper.proto, field order as in zookeeper.jute.

export const CreateRequest = record({ path: ustring, data: buffer, acl: AclList, flags: int });
export type CreateRequest = ValueOf<typeof CreateRequest>;
export const CreateTTLRequest = record({ path: ustring, data: buffer, acl: AclList, flags: int, ttl: long });
export type CreateTTLRequest = ValueOf<typeof CreateTTLRequest>;
export const CreateResponse = record({ path: ustring });
export type CreateResponse = ValueOf<typeof CreateResponse>;
export const Create2Response = record({ path: ustring, stat: Stat });
export type Create2Response = ValueOf<typeof Create2Response>;

export const DeleteRequest = record({ path: ustring, version: int });
export type DeleteRequest = ValueOf<typeof DeleteRequest>;

export const ExistsRequest = record({ path: ustring, watch: bool });
export type ExistsRequest = ValueOf<typeof ExistsRequest>;
export const ExistsResponse = record({ stat: Stat });
export type ExistsResponse = ValueOf<typeof ExistsResponse>;

export const GetDataRequest = record({ path: ustring, watch: bool });
export type GetDataRequest = ValueOf<typeof GetDataRequest>;
/** The most common reply: a hand-written reader (checked against the field list by record()). */
export const GetDataResponse = record({ data: buffer, stat: Stat }, { read: (r) => ({ data: r.buffer(), stat: Stat.read(r) }) });
export type GetDataResponse = ValueOf<typeof GetDataResponse>;

export const SetDataRequest = record({ path: ustring, data: buffer, version: int });
export type SetDataRequest = ValueOf<typeof SetDataRequest>;
export const SetDataResponse = record({ stat: Stat });
export type SetDataResponse = ValueOf<typeof SetDataResponse>;

export const GetACLRequest = record({ path: ustring });
export type GetACLRequest = ValueOf<typeof GetACLRequest>;
export const GetACLResponse = record({ acl: AclList, stat: Stat });
export type GetACLResponse = ValueOf<typeof GetACLResponse>;
export const SetACLRequest = record({ path: ustring, acl: AclList, version: int });
export type SetACLRequest = ValueOf<typeof SetACLRequest>;
export const SetACLResponse = record({ stat: Stat });
export type SetACLResponse = ValueOf<typeof SetACLResponse>;

export const GetChildrenRequest = record({ path: ustring, watch: bool });
export type GetChildrenRequest = ValueOf<typeof GetChildrenRequest>;
export const GetChildrenResponse = record({ children: vector(ustring) });
export type GetChildrenResponse = ValueOf<typeof GetChildrenResponse>;
export const GetChildren2Request = record({ path: ustring, watch: bool });
export type GetChildren2Request = ValueOf<typeof GetChildren2Request>;
export const GetChildren2Response = record({ children: vector(ustring), stat: Stat });
export type GetChildren2Response = ValueOf<typeof GetChildren2Response>;

export const SyncRequest = record({ path: ustring });
export type SyncRequest = ValueOf<typeof SyncRequest>;
export const SyncResponse = record({ path: ustring });
export type SyncResponse = ValueOf<typeof SyncResponse>;

export const CheckVersionRequest = record({ path: ustring, version: int });
export type CheckVersionRequest = ValueOf<typeof CheckVersionRequest>;

export const ReconfigRequest = record({ joiningServers: ustring, leavingServers: ustring, newMembers: ustring, curConfigId: long });
export type ReconfigRequest = ValueOf<typeof ReconfigRequest>;

export const GetAllChildrenNumberRequest = record({ path: ustring });
export type GetAllChildrenNumberRequest = ValueOf<typeof GetAllChildrenNumberRequest>;
export const GetAllChildrenNumberResponse = record({ totalNumber: int });
export type GetAllChildrenNumberResponse = ValueOf<typeof GetAllChildrenNumberResponse>;

export const GetEphemeralsRequest = record({ prefixPath: ustring });
export type GetEphemeralsRequest = ValueOf<typeof GetEphemeralsRequest>;
export const GetEphemeralsResponse = record({ ephemerals: vector(ustring) });
export type GetEphemeralsResponse = ValueOf<typeof GetEphemeralsResponse>;

export const GetStatPersistedRequest = record({ path: ustring });
export type GetStatPersistedRequest = ValueOf<typeof GetStatPersistedRequest>;
export const GetStatPersistedResponse = record({ statPersisted: StatPersisted });
export type GetStatPersistedResponse = ValueOf<typeof GetStatPersistedResponse>;

export const ClientInfo = record({ authScheme: ustring, user: ustring });
export type ClientInfo = ValueOf<typeof ClientInfo>;
export const WhoAmIResponse = record({ clientInfo: vector(ClientInfo) });
export type WhoAmIResponse = ValueOf<typeof WhoAmIResponse>;

export const GetSASLRequest = record({ token: buffer });
export type GetSASLRequest = ValueOf<typeof GetSASLRequest>;
export const SetSASLResponse = record({ token: buffer });
export type SetSASLResponse = ValueOf<typeof SetSASLResponse>;
