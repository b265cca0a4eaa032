import { JuteReader } from '../../jute/reader.js';
import { FileHeader } from '../../jute/records/txn.js';
import { JuteWriter } from '../../jute/writer.js';
import { adler32 } from './checksum.js';
import { decodeLoggedTxn, encodeLoggedTxn, type LoggedTxn } from './txn-codec.js';

/**
 * The txn log file format (FileTxnLog), pure: FileHeader{"ZKLG", 2, dbid 0}, then entries of
 * `long adler32 | int length | bytes | byte 'B'` where bytes = TxnHeader + txn [+ TxnDigest].
 * Files are preallocated with zeros, so an entry whose length is 0 marks the end of the log.
 */
export const LOG_MAGIC = 0x5a4b4c47; // "ZKLG"
export const LOG_VERSION = 2;
export const LOG_HEADER_BYTES = 16;
/** checksum (8) + length (4) + end-of-record byte (1) around each entry's bytes. */
export const ENTRY_OVERHEAD_BYTES = 13;
const EOR = 0x42; // 'B'

export function encodeLogHeader(dbid = 0n): Buffer {
  const w = new JuteWriter(LOG_HEADER_BYTES);
  FileHeader.write(w, { magic: LOG_MAGIC, version: LOG_VERSION, dbid });
  return w.toBuffer();
}

/**
 * Whether a log file is one whose first write never completed: nothing but zeros after some
 * prefix of the header (the header and the first entries go out in one write over a
 * preallocated, zero-filled file, ZOOKEEPER-1621). No txn in such a file ever reached the disk.
 */
export function isUnwrittenLog(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  if (end > LOG_HEADER_BYTES) return false;
  const header = encodeLogHeader();
  for (let i = 0; i < end; i++) if (bytes[i] !== header[i]) return false;
  return true;
}

/** One framed entry, ready to append. */
export function encodeLogEntry(logged: LoggedTxn): Buffer {
  const body = encodeLoggedTxn(logged);
  const out = Buffer.allocUnsafe(body.length + ENTRY_OVERHEAD_BYTES);
  out.writeBigInt64BE(BigInt(adler32(body)), 0);
  out.writeInt32BE(body.length, 8);
  body.copy(out, 12);
  out[12 + body.length] = EOR;
  return out;
}

export interface ScannedEntry {
  readonly offset: number;
  readonly end: number;
  readonly logged: LoggedTxn;
}

/**
 * What a scan found after the last whole entry. 'end': zeros or nothing (a clean end).
 * 'torn': an incomplete or unreadable entry with nothing valid after it (a crash mid-write; safe
 * to cut). 'corrupt': a bad entry with a valid entry after it (damage; never cut silently).
 */
export type LogTail =
  | { readonly kind: 'end'; readonly offset: number }
  | { readonly kind: 'torn'; readonly offset: number; readonly reason: string }
  | { readonly kind: 'corrupt'; readonly offset: number; readonly reason: string };

export interface LogScan {
  readonly entries: ScannedEntry[];
  readonly tail: LogTail;
}

type EntryRead = { readonly ok: true; readonly entry: ScannedEntry } | { readonly ok: false; readonly reason: string } | { readonly ok: 'end' };

function readEntryAt(bytes: Uint8Array, offset: number): EntryRead {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const left = bytes.length - offset;
  if (left < 12) {
    for (let i = offset; i < bytes.length; i++) if (bytes[i] !== 0) return { ok: false, reason: `${left} bytes, too few for an entry header` };
    return { ok: 'end' };
  }
  const checksum = view.readBigInt64BE(offset);
  const length = view.readInt32BE(offset + 8);
  // Util.readTxnBytes: a zero length is the preallocated space after the last entry.
  if (length === 0) return { ok: 'end' };
  if (length < 0 || length > left - ENTRY_OVERHEAD_BYTES) return { ok: false, reason: `entry length ${length} does not fit in the ${left} bytes left` };
  const bodyStart = offset + 12;
  const bodyEnd = bodyStart + length;
  if (BigInt(adler32(bytes, bodyStart, bodyEnd)) !== checksum) return { ok: false, reason: 'checksum mismatch' };
  if (bytes[bodyEnd] !== EOR) return { ok: false, reason: `end-of-record byte is 0x${(bytes[bodyEnd] ?? 0).toString(16)}, not 'B'` };
  try {
    const logged = decodeLoggedTxn(bytes.subarray(bodyStart, bodyEnd));
    return { ok: true, entry: { offset, end: bodyEnd + 1, logged } };
  } catch (err) {
    return { ok: false, reason: `checksum matches but the txn does not decode: ${(err as Error).message}` };
  }
}

/** Whether a whole, checksummed entry starts anywhere in `bytes` after `from`. */
function validEntryAfter(bytes: Uint8Array, from: number, afterZxid: bigint): number | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = from; p + ENTRY_OVERHEAD_BYTES + 28 <= bytes.length; p++) {
    // Cheap filters first: a plausible length whose end-of-record byte is 'B'.
    const length = view.readInt32BE(p + 8);
    if (length < 28 || p + 12 + length >= bytes.length || bytes[p + 12 + length] !== EOR) continue;
    const read = readEntryAt(bytes, p);
    if (read.ok === true && read.entry.logged.entry.header.zxid > afterZxid) return p;
  }
  return undefined;
}

/** Checks the file header; returns a reason when it is not a version-2 ZooKeeper txn log. */
export function checkLogHeader(bytes: Uint8Array): string | undefined {
  if (bytes.length < LOG_HEADER_BYTES) return `${bytes.length} bytes, too short for a txn log header`;
  const header = FileHeader.read(new JuteReader(bytes, 0, LOG_HEADER_BYTES));
  if (header.magic !== LOG_MAGIC) return `bad magic 0x${(header.magic >>> 0).toString(16)} (want "ZKLG")`;
  if (header.version !== LOG_VERSION) return `unsupported txn log version ${header.version}`;
  return undefined;
}

/**
 * Reads every whole entry of a log file (header already checked) and classifies what follows the
 * last one. Entries must have increasing zxids; one that goes backwards counts as corrupt.
 */
export function scanLog(bytes: Uint8Array): LogScan {
  const entries: ScannedEntry[] = [];
  let offset = LOG_HEADER_BYTES;
  let lastZxid = -(2n ** 63n);
  for (;;) {
    const read = readEntryAt(bytes, offset);
    if (read.ok === 'end') return { entries, tail: { kind: 'end', offset } };
    if (read.ok === true && read.entry.logged.entry.header.zxid <= lastZxid) {
      return { entries, tail: { kind: 'corrupt', offset, reason: `zxid 0x${read.entry.logged.entry.header.zxid.toString(16)} does not follow 0x${lastZxid.toString(16)}` } };
    }
    if (read.ok === false) {
      const next = validEntryAfter(bytes, offset + 1, lastZxid);
      if (next !== undefined) return { entries, tail: { kind: 'corrupt', offset, reason: `${read.reason}; a valid entry follows at offset ${next}` } };
      return { entries, tail: { kind: 'torn', offset, reason: read.reason } };
    }
    entries.push(read.entry);
    lastZxid = read.entry.logged.entry.header.zxid;
    offset = read.entry.end;
  }
}
