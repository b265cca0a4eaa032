import type { OpCode } from '../jute/opcodes.js';
import type {
  CheckVersionTxn,
  CloseSessionTxn,
  CreateContainerTxn,
  CreateSessionTxn,
  CreateTTLTxn,
  CreateTxn,
  DeleteTxn,
  ErrorTxn,
  SetACLTxn,
  SetDataTxn,
  TxnHeader,
} from '../jute/records/txn.js';

/**
 * A transaction as prep produces it and apply consumes it: the header's `type` is the request's
 * opcode (create2 stays create2, as ZooKeeper logs it) and the body is the jute txn record, so
 * the log can write it unchanged.
 */
export type Txn =
  | { readonly type: typeof OpCode.create | typeof OpCode.create2; readonly record: CreateTxn }
  | { readonly type: typeof OpCode.createContainer; readonly record: CreateContainerTxn }
  | { readonly type: typeof OpCode.createTTL; readonly record: CreateTTLTxn }
  | { readonly type: typeof OpCode.delete | typeof OpCode.deleteContainer; readonly record: DeleteTxn }
  | { readonly type: typeof OpCode.setData; readonly record: SetDataTxn }
  | { readonly type: typeof OpCode.setACL; readonly record: SetACLTxn }
  | { readonly type: typeof OpCode.check; readonly record: CheckVersionTxn }
  | { readonly type: typeof OpCode.createSession; readonly record: CreateSessionTxn }
  | { readonly type: typeof OpCode.closeSession; readonly record: CloseSessionTxn }
  | { readonly type: typeof OpCode.error; readonly record: ErrorTxn }
  | { readonly type: typeof OpCode.multi; readonly txns: readonly Txn[] };

export interface TxnEntry {
  readonly header: TxnHeader;
  readonly txn: Txn;
}
