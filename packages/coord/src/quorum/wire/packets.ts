import { MarshallingError } from '../../errors/errors.js';
import { int, long, record } from '../../jute/codec.js';
import { JuteReader } from '../../jute/reader.js';
import { JuteWriter } from '../../jute/writer.js';
import { decodeLoggedTxn, encodeLoggedTxn } from '../../server/persistence/txn-codec.js';
import type { TxnEntry } from '../../server/txn.js';

/**
 * The learner ↔ leader stream's records and the payloads ZooKeeper packs into their `data`
 * field (Leader.java, Learner.java, LearnerHandler.java). Pure.
 */

/** Protocol version a 3.4+ learner announces (Learner.registerWithLeader). */
export const LEARNER_PROTOCOL_VERSION = 0x10000;

/** LearnerInfo{long serverid, int protocolVersion, long configVersion}, FOLLOWERINFO/OBSERVERINFO's data. */
export interface LearnerInfo {
  readonly serverId: bigint;
  readonly protocolVersion: number;
  readonly configVersion: bigint;
}
const LearnerInfoCodec = record({ serverid: long, protocolVersion: int, configVersion: long });

export function encodeLearnerInfo(info: LearnerInfo): Buffer {
  const w = new JuteWriter(20);
  LearnerInfoCodec.write(w, { serverid: info.serverId, protocolVersion: info.protocolVersion, configVersion: info.configVersion });
  return w.toBuffer();
}

/** Also accepts the pre-3.4 form that carried only the server id. */
export function decodeLearnerInfo(data: Uint8Array | null): LearnerInfo {
  if (data === null || data.length < 8) throw new MarshallingError({ message: 'LearnerInfo needs at least a server id' });
  const r = new JuteReader(data);
  const serverId = r.long();
  if (r.remaining < 4) return { serverId, protocolVersion: 0, configVersion: 0n };
  const protocolVersion = r.int();
  const configVersion = r.remaining >= 8 ? r.long() : 0n;
  return { serverId, protocolVersion, configVersion };
}

/** A bare big-endian int: LEADERINFO's protocol version, ACKEPOCH's current epoch (−1: same as accepted). */
export function encodeInt(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

export function decodeInt(data: Uint8Array | null, what: string): number {
  if (data === null || data.length < 4) throw new MarshallingError({ message: `${what}: expected a 4-byte int` });
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).readInt32BE(0);
}

/** REQUEST's data: `long sessionId, int cxid, int type` then the request body as the client sent it. */
export interface ForwardedRequest {
  readonly sessionId: bigint;
  readonly cxid: number;
  readonly opcode: number;
  readonly body: Uint8Array;
}

export function encodeForwardedRequest(req: ForwardedRequest): Buffer {
  const w = new JuteWriter(16 + req.body.length);
  w.long(req.sessionId).int(req.cxid).int(req.opcode).raw(req.body);
  return w.toBuffer();
}

export function decodeForwardedRequest(data: Uint8Array | null): ForwardedRequest {
  if (data === null) throw new MarshallingError({ message: 'REQUEST without data' });
  const r = new JuteReader(data);
  const sessionId = r.long();
  const cxid = r.int();
  const opcode = r.int();
  return { sessionId, cxid, opcode, body: data.subarray(r.offset) };
}

/** PING's data from a learner: the sessions its clients touched, `(long sessionId, int timeout)*`. */
export interface SessionTouch {
  readonly sessionId: bigint;
  readonly timeoutMs: number;
}

export function encodeTouchTable(touches: readonly SessionTouch[]): Buffer {
  const w = new JuteWriter(4 + touches.length * 12);
  for (const t of touches) w.long(t.sessionId).int(t.timeoutMs);
  return w.toBuffer();
}

export function decodeTouchTable(data: Uint8Array | null): SessionTouch[] {
  if (data === null) return [];
  if (data.length % 12 !== 0) throw new MarshallingError({ message: `PING touch table of ${data.length} bytes is not a whole number of entries` });
  const r = new JuteReader(data);
  const out: SessionTouch[] = [];
  while (r.remaining > 0) out.push({ sessionId: r.long(), timeoutMs: r.int() });
  return out;
}

/** REVALIDATE from a learner: `long sessionId, int timeout`. */
export function encodeRevalidateRequest(touch: SessionTouch): Buffer {
  return encodeTouchTable([touch]);
}

export function decodeRevalidateRequest(data: Uint8Array | null): SessionTouch {
  const [touch] = decodeTouchTable(data);
  if (touch === undefined || data?.length !== 12) throw new MarshallingError({ message: 'REVALIDATE: expected a session id and a timeout' });
  return touch;
}

/** REVALIDATE's answer from the leader: `long sessionId, boolean valid`. */
export function encodeRevalidateReply(sessionId: bigint, valid: boolean): Buffer {
  return new JuteWriter(9).long(sessionId).bool(valid).toBuffer();
}

export function decodeRevalidateReply(data: Uint8Array | null): { sessionId: bigint; valid: boolean } {
  if (data === null || data.length < 9) throw new MarshallingError({ message: 'REVALIDATE reply: expected a session id and a flag' });
  const r = new JuteReader(data);
  return { sessionId: r.long(), valid: r.bool() };
}

/** PROPOSAL's and INFORM's data: TxnHeader, the txn record, and an optional digest (ignored here). */
export function encodeProposal(entry: TxnEntry): Buffer {
  return encodeLoggedTxn({ entry });
}

export function decodeProposal(data: Uint8Array | null): TxnEntry {
  if (data === null) throw new MarshallingError({ message: 'PROPOSAL without data' });
  try {
    return decodeLoggedTxn(data).entry;
  } catch (err) {
    if (err instanceof MarshallingError) throw err;
    throw new MarshallingError({ message: `PROPOSAL does not hold a txn: ${(err as Error).message}` });
  }
}
