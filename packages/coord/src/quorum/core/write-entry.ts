import { ErrorCode } from '../../errors/codes.js';
import { MarshallingError } from '../../errors/errors.js';
import { OpCode } from '../../jute/opcodes.js';
import { JuteReader } from '../../jute/reader.js';
import { DeleteRequest } from '../../jute/records/requests.js';
import type { DataTree } from '../../server/data-tree.js';
import { prep, type WriteRequest } from '../../server/prep.js';
import type { TxnEntry } from '../../server/txn.js';
import { decodeWriteRequest } from '../../server/write-requests.js';
import type { ClientWrite } from './types.js';

/** The container sweeper's writes carry no session. */
export const SERVER_SESSION = 0n;

function requestOf(write: ClientWrite): WriteRequest | number {
  const reader = new JuteReader(write.body);
  switch (write.opcode) {
    case OpCode.createSession: {
      if (write.body.length < 4) throw new MarshallingError({ message: 'createSession needs its timeout' });
      return { type: OpCode.createSession, timeoutMs: reader.int() };
    }
    case OpCode.closeSession:
      return { type: OpCode.closeSession };
    case OpCode.deleteContainer:
      // Only the leader's own sweeper may remove containers; from a client it is refused.
      if (write.sessionId !== SERVER_SESSION) return ErrorCode.BADARGUMENTS;
      return { type: OpCode.deleteContainer, request: DeleteRequest.read(reader) };
    case OpCode.reconfig:
      return ErrorCode.RECONFIGDISABLED;
    default:
      return decodeWriteRequest(write.opcode, reader) ?? ErrorCode.UNIMPLEMENTED;
  }
}

/**
 * The leader's prep step for a write from any member: the txn to propose. A request that does
 * not decode, or that this server refuses, still becomes a txn (an ErrorTxn) so the client gets
 * its answer in order with a zxid, as ZooKeeper logs failed writes.
 */
export function txnForWrite(tree: DataTree, write: ClientWrite, zxid: bigint, nowMs: number, extendedTypesEnabled: boolean): TxnEntry {
  const header = { clientId: write.sessionId, cxid: write.cxid, zxid, time: BigInt(nowMs), type: OpCode.error as number };
  let request: WriteRequest | number;
  try {
    request = requestOf(write);
  } catch (err) {
    if (!(err instanceof MarshallingError)) throw err;
    request = ErrorCode.MARSHALLINGERROR;
  }
  if (typeof request === 'number') return { header, txn: { type: OpCode.error, record: { err: request } } };
  return prep({ tree, sessionId: write.sessionId, cxid: write.cxid, zxid, time: BigInt(nowMs), authIds: write.authIds, extendedTypesEnabled }, request);
}

/** The ErrorTxn for a write whose session is gone: its client is told SESSIONEXPIRED, in order. */
export function sessionExpiredTxn(write: ClientWrite, zxid: bigint, nowMs: number): TxnEntry {
  return {
    header: { clientId: write.sessionId, cxid: write.cxid, zxid, time: BigInt(nowMs), type: OpCode.error },
    txn: { type: OpCode.error, record: { err: ErrorCode.SESSIONEXPIRED } },
  };
}
