import { bool, buffer, int, long, record, ustring, vector, type ValueOf } from '../codec.js';
import { AclList } from './data.js';

// Transaction records (org.apache.zookeeper.txn): what the server logs and what the quorum proposes.

export const TxnHeader = record({ clientId: long, cxid: int, zxid: long, time: long, type: int });
export type TxnHeader = ValueOf<typeof TxnHeader>;

export const TxnDigest = record({ version: int, treeDigest: long });
export type TxnDigest = ValueOf<typeof TxnDigest>;

export const CreateTxnV0 = record({ path: ustring, data: buffer, acl: AclList, ephemeral: bool });
export type CreateTxnV0 = ValueOf<typeof CreateTxnV0>;
export const CreateTxn = record({ path: ustring, data: buffer, acl: AclList, ephemeral: bool, parentCVersion: int });
export type CreateTxn = ValueOf<typeof CreateTxn>;
export const CreateTTLTxn = record({ path: ustring, data: buffer, acl: AclList, parentCVersion: int, ttl: long });
export type CreateTTLTxn = ValueOf<typeof CreateTTLTxn>;
export const CreateContainerTxn = record({ path: ustring, data: buffer, acl: AclList, parentCVersion: int });
export type CreateContainerTxn = ValueOf<typeof CreateContainerTxn>;
export const DeleteTxn = record({ path: ustring });
export type DeleteTxn = ValueOf<typeof DeleteTxn>;
export const SetDataTxn = record({ path: ustring, data: buffer, version: int });
export type SetDataTxn = ValueOf<typeof SetDataTxn>;
export const CheckVersionTxn = record({ path: ustring, version: int });
export type CheckVersionTxn = ValueOf<typeof CheckVersionTxn>;
export const SetACLTxn = record({ path: ustring, acl: AclList, version: int });
export type SetACLTxn = ValueOf<typeof SetACLTxn>;
export const CreateSessionTxn = record({ timeOut: int });
export type CreateSessionTxn = ValueOf<typeof CreateSessionTxn>;
export const CloseSessionTxn = record({ paths2Delete: vector(ustring) });
export type CloseSessionTxn = ValueOf<typeof CloseSessionTxn>;
export const ErrorTxn = record({ err: int });
export type ErrorTxn = ValueOf<typeof ErrorTxn>;
/** One sub-transaction of a multi: its type and its encoded txn record. */
export const Txn = record({ type: int, data: buffer });
export type Txn = ValueOf<typeof Txn>;
export const MultiTxn = record({ txns: vector(Txn) });
export type MultiTxn = ValueOf<typeof MultiTxn>;

export const FileHeader = record({ magic: int, version: int, dbid: long });
export type FileHeader = ValueOf<typeof FileHeader>;
