import { OpCode } from '../../jute/opcodes.js';
import { JuteReader } from '../../jute/reader.js';
import {
  CheckVersionTxn,
  CloseSessionTxn,
  CreateContainerTxn,
  CreateSessionTxn,
  CreateTTLTxn,
  CreateTxn,
  CreateTxnV0,
  DeleteTxn,
  ErrorTxn,
  MultiTxn,
  SetACLTxn,
  SetDataTxn,
  TxnDigest,
  TxnHeader,
} from '../../jute/records/txn.js';
import { JuteWriter } from '../../jute/writer.js';
import type { Txn, TxnEntry } from '../txn.js';
import { PersistenceFormatError } from './errors.js';

/**
 * A transaction as it sits in a log entry (SerializeUtils.deserializeTxn): TxnHeader, the txn
 * record chosen by header.type, and since 3.6 an optional TxnDigest in whatever bytes remain.
 * A multi's sub-transactions are Txn{type, data} with data the encoded sub-record.
 */
export interface LoggedTxn {
  readonly entry: TxnEntry;
  readonly digest?: TxnDigest;
}

function writeBody(w: JuteWriter, txn: Txn): void {
  switch (txn.type) {
    case OpCode.create:
    case OpCode.create2:
      return CreateTxn.write(w, txn.record);
    case OpCode.createContainer:
      return CreateContainerTxn.write(w, txn.record);
    case OpCode.createTTL:
      return CreateTTLTxn.write(w, txn.record);
    case OpCode.delete:
    case OpCode.deleteContainer:
      return DeleteTxn.write(w, txn.record);
    case OpCode.setData:
      return SetDataTxn.write(w, txn.record);
    case OpCode.setACL:
      return SetACLTxn.write(w, txn.record);
    case OpCode.check:
      return CheckVersionTxn.write(w, txn.record);
    case OpCode.createSession:
      return CreateSessionTxn.write(w, txn.record);
    case OpCode.closeSession:
      return CloseSessionTxn.write(w, txn.record);
    case OpCode.error:
      return ErrorTxn.write(w, txn.record);
    case OpCode.multi:
      return MultiTxn.write(w, {
        txns: txn.txns.map((sub) => {
          const sw = new JuteWriter(64);
          writeBody(sw, sub);
          return { type: sub.type, data: sw.toBuffer() };
        }),
      });
  }
}

/** TxnHeader + record [+ digest]: the bytes a log entry's checksum covers. */
export function encodeLoggedTxn(logged: LoggedTxn): Buffer {
  const w = new JuteWriter(128);
  TxnHeader.write(w, logged.entry.header);
  writeBody(w, logged.entry.txn);
  if (logged.digest !== undefined) TxnDigest.write(w, logged.digest);
  return w.toBuffer();
}

function readBody(type: number, r: JuteReader): Txn {
  switch (type) {
    case OpCode.create:
    case OpCode.create2: {
      // Logs from before 3.3 hold CreateTxnV0, without parentCVersion (-1: "one more than stored").
      const v0 = CreateTxnV0.read(r);
      return { type, record: { ...v0, parentCVersion: r.remaining >= 4 ? r.int() : -1 } };
    }
    case OpCode.createContainer:
      return { type, record: CreateContainerTxn.read(r) };
    case OpCode.createTTL:
      return { type, record: CreateTTLTxn.read(r) };
    case OpCode.delete:
    case OpCode.deleteContainer:
      return { type, record: DeleteTxn.read(r) };
    case OpCode.setData:
      return { type, record: SetDataTxn.read(r) };
    case OpCode.setACL:
      return { type, record: SetACLTxn.read(r) };
    case OpCode.check:
      return { type, record: CheckVersionTxn.read(r) };
    case OpCode.createSession:
      return { type, record: CreateSessionTxn.read(r) };
    case OpCode.closeSession:
      // Before 3.6 (or with zookeeper.closeSessionTxn.enabled=false) a closeSession has no body.
      return { type, record: r.remaining === 0 ? { paths2Delete: [] } : CloseSessionTxn.read(r) };
    case OpCode.error:
      return { type, record: ErrorTxn.read(r) };
    case OpCode.multi: {
      const multi = MultiTxn.read(r);
      return { type, txns: multi.txns.map((sub) => decodeSubTxn(sub.type, sub.data ?? new Uint8Array(0))) };
    }
    default:
      throw new PersistenceFormatError(`unsupported txn type ${type}`);
  }
}

function decodeSubTxn(type: number, data: Uint8Array): Txn {
  if (type === OpCode.multi) throw new PersistenceFormatError('a multi nested in a multi');
  const r = new JuteReader(data);
  const txn = readBody(type, r);
  if (r.remaining !== 0) throw new PersistenceFormatError(`${r.remaining} trailing bytes in a multi's sub-txn of type ${type}`);
  return txn;
}

/** Decodes the checksummed bytes of one log entry. Throws PersistenceFormatError or MarshallingError. */
export function decodeLoggedTxn(bytes: Uint8Array): LoggedTxn {
  const r = new JuteReader(bytes);
  const header = TxnHeader.read(r);
  const txn = readBody(header.type, r);
  if (r.remaining === 0) return { entry: { header, txn } };
  const digest = TxnDigest.read(r);
  if (r.remaining !== 0) throw new PersistenceFormatError(`${r.remaining} trailing bytes after the digest of txn 0x${header.zxid.toString(16)}`);
  return { entry: { header, txn }, digest };
}
