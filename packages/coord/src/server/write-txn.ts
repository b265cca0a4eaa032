import { ErrorCode } from '../errors/codes.js';
import { MarshallingError } from '../errors/errors.js';
import { OpCode } from '../jute/opcodes.js';
import { JuteReader } from '../jute/reader.js';
import { DeleteRequest } from '../jute/records/requests.js';
import type { DataTree } from './data-tree.js';
import { prep, type WriteRequest } from './prep.js';
import type { TxnEntry } from './txn.js';
import type { SubmittedWrite } from './write-path.js';
import { decodeWriteRequest } from './write-requests.js';

/**
 * A raw write turned into the txn to log (PrepRequestProcessor), for the standalone write path
 * and a quorum leader alike. Pure. A request that does not decode, or that the server refuses
 * before prep (reconfig while disabled, deleteContainer from a client), still becomes a txn — an
 * ErrorTxn with a zxid — so its client is answered in order, as ZooKeeper logs failed writes.
 */

/** The container sweeper's writes carry no session. */
export const SERVER_SESSION = 0n;

/** The request prep takes, or the error code of a write refused before prep. Throws MarshallingError. */
function requestOf(write: SubmittedWrite): WriteRequest | number {
  const reader = new JuteReader(write.body);
  switch (write.opcode) {
    case OpCode.createSession:
      return { type: OpCode.createSession, timeoutMs: reader.int() };
    case OpCode.closeSession:
      return { type: OpCode.closeSession };
    case OpCode.deleteContainer: {
      // Only the server's own sweeper may remove containers; from a client it is refused.
      const request = DeleteRequest.read(reader);
      return write.sessionId === SERVER_SESSION ? { type: OpCode.deleteContainer, request } : ErrorCode.BADARGUMENTS;
    }
    case OpCode.reconfig:
      // Reconfiguration is disabled, as in a default Apache ZooKeeper.
      return ErrorCode.RECONFIGDISABLED;
    default:
      return decodeWriteRequest(write.opcode, reader) ?? ErrorCode.BADARGUMENTS;
  }
}

/** An ErrorTxn for `write` at `zxid`. */
export function errorTxn(write: SubmittedWrite, zxid: bigint, timeMs: number, err: number): TxnEntry {
  return {
    header: { clientId: write.sessionId, cxid: write.cxid, zxid, time: BigInt(timeMs), type: OpCode.error },
    txn: { type: OpCode.error, record: { err } },
  };
}

export function writeTxn(tree: DataTree, write: SubmittedWrite, zxid: bigint, timeMs: number, extendedTypesEnabled: boolean): TxnEntry {
  let request: WriteRequest | number;
  try {
    request = requestOf(write);
  } catch (err) {
    if (!(err instanceof MarshallingError)) throw err;
    request = ErrorCode.MARSHALLINGERROR;
  }
  if (typeof request === 'number') return errorTxn(write, zxid, timeMs, request);
  return prep({ tree, sessionId: write.sessionId, cxid: write.cxid, zxid, time: BigInt(timeMs), authIds: write.authIds, extendedTypesEnabled }, request);
}
