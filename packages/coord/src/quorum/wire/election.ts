import { MarshallingError } from '../../errors/errors.js';
import { ServerState, type ElectionNotification, type PeerId } from '../core/types.js';

/**
 * The election port's wire formats (QuorumCnxManager, FastLeaderElection; ZooKeeper 3.8). Pure.
 *
 * A connection carries, from the initiator only, one handshake:
 *
 *   long protocolVersion   -65536 (V1: one address) or -65535 (V2: `|`-separated addresses);
 *                          a non-negative value instead is a pre-3.5 peer's bare sid
 *   long sid
 *   int len (1..2048), UTF-8 "host:port[|host:port...]"
 *
 * and then, in both directions, messages framed as `int len (1..512 KiB), payload`. Every payload
 * is a notification (FastLeaderElection.buildMsg):
 *
 *   int state, long leader, long zxid, long electionEpoch, long peerEpoch,
 *   int version (2), int configLen, config bytes (QuorumVerifier text)
 *
 * Receivers still parse the pre-3.4.6 28-byte (no peerEpoch) and 40-byte (no version) forms.
 */

export const PROTOCOL_VERSION_V1 = -65536n;
export const PROTOCOL_VERSION_V2 = -65535n;
/** Largest address list a handshake may carry (QuorumCnxManager.maxBuffer). */
export const MAX_HANDSHAKE_ADDRESS_BYTES = 2048;
/** Largest election message (QuorumCnxManager.PACKETMAXSIZE). */
export const MAX_ELECTION_MESSAGE_BYTES = 512 * 1024;
/** The notification version ZooKeeper 3.5+ sends. */
export const NOTIFICATION_VERSION = 2;

const textEncoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { fatal: true });

function utf8Decode(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MarshallingError({ message: `${what} is not valid UTF-8` });
  }
}

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function checkInt32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new MarshallingError({ message: `${what} ${value} is not a 32-bit integer` });
}

// ---------------------------------------------------------------------------------------------
// Notifications

/** The modern (3.5+) notification layout; `version` is written as given. */
export function encodeNotification(n: ElectionNotification): Buffer {
  checkInt32(n.state, 'state');
  checkInt32(n.version, 'version');
  if (!Number.isSafeInteger(n.leader)) throw new MarshallingError({ message: `leader ${n.leader} is not an integer` });
  const config = textEncoder.encode(n.config);
  const out = Buffer.alloc(44 + config.length);
  out.writeInt32BE(n.state, 0);
  out.writeBigInt64BE(BigInt.asIntN(64, BigInt(n.leader)), 4);
  out.writeBigInt64BE(BigInt.asIntN(64, n.zxid), 12);
  out.writeBigInt64BE(BigInt.asIntN(64, n.electionEpoch), 20);
  out.writeBigInt64BE(BigInt.asIntN(64, n.peerEpoch), 28);
  out.writeInt32BE(n.version, 36);
  out.writeInt32BE(config.length, 40);
  out.set(config, 44);
  return out;
}

function stateOf(value: number): ServerState {
  if (value === ServerState.LOOKING || value === ServerState.FOLLOWING || value === ServerState.LEADING || value === ServerState.OBSERVING) return value;
  throw new MarshallingError({ message: `unknown server state ${value} in notification` });
}

function sidOf(value: bigint, what: string): PeerId {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new MarshallingError({ message: `${what} ${value} is out of range` });
  return Number(value);
}

/**
 * Parses one election message payload as FastLeaderElection's WorkerReceiver does: 28 bytes is the
 * oldest form (peerEpoch taken from the zxid), 40 bytes the form without a version (its last 4
 * bytes are padding), anything else carries a version and, from version 2, the config. Bytes
 * after the config are ignored, as ZooKeeper ignores them.
 */
export function decodeNotification(bytes: Uint8Array): ElectionNotification {
  const b = asBuffer(bytes);
  if (b.length < 28) throw new MarshallingError({ message: `notification of ${b.length} bytes is shorter than the 28-byte minimum` });
  const state = stateOf(b.readInt32BE(0));
  // An observer proposes nobody: Apache sends Long.MIN_VALUE, coord -1; both read as NO_LEADER.
  const proposed = b.readBigInt64BE(4);
  const leader = proposed < 0n ? -1 : sidOf(proposed, 'proposed leader');
  const zxid = b.readBigInt64BE(12);
  const electionEpoch = b.readBigInt64BE(20);
  if (b.length === 28) return { state, leader, zxid, electionEpoch, peerEpoch: zxid >> 32n, version: 0, config: '' };
  if (b.length < 36) throw new MarshallingError({ message: `notification of ${b.length} bytes is truncated in peerEpoch` });
  const peerEpoch = b.readBigInt64BE(28);
  if (b.length === 40) return { state, leader, zxid, electionEpoch, peerEpoch, version: 0, config: '' };
  if (b.length < 40) throw new MarshallingError({ message: `notification of ${b.length} bytes is truncated in version` });
  const version = b.readInt32BE(36);
  if (version <= 1) return { state, leader, zxid, electionEpoch, peerEpoch, version, config: '' };
  if (b.length < 44) throw new MarshallingError({ message: `version ${version} notification of ${b.length} bytes has no config length` });
  const configLen = b.readInt32BE(40);
  if (configLen < 0 || configLen > b.length - 44) throw new MarshallingError({ message: `notification config length ${configLen} outside [0, ${b.length - 44}]` });
  const config = utf8Decode(b.subarray(44, 44 + configLen), 'notification config');
  return { state, leader, zxid, electionEpoch, peerEpoch, version, config };
}

// ---------------------------------------------------------------------------------------------
// Connection handshake

export interface ElectionHandshake {
  readonly sid: PeerId;
  /** `host:port` election addresses (empty for the bare-sid form). */
  readonly addresses: readonly string[];
  /** V1 / V2, or `undefined` for the pre-3.5 bare-sid form. */
  readonly protocolVersion?: bigint;
}

/**
 * The initiator's handshake. V1 (one address) unless several addresses are given or V2 asked for;
 * `protocolVersion: undefined` with no addresses is not the legacy form: use encodeLegacyHandshake.
 */
export function encodeElectionHandshake(h: { sid: PeerId; addresses: readonly string[]; protocolVersion?: bigint }): Buffer {
  const version = h.protocolVersion ?? (h.addresses.length > 1 ? PROTOCOL_VERSION_V2 : PROTOCOL_VERSION_V1);
  if (version !== PROTOCOL_VERSION_V1 && version !== PROTOCOL_VERSION_V2) throw new MarshallingError({ message: `unknown election protocol version ${version}` });
  if (h.addresses.length === 0) throw new MarshallingError({ message: 'an election handshake needs an address' });
  if (version === PROTOCOL_VERSION_V1 && h.addresses.length !== 1) throw new MarshallingError({ message: 'a V1 election handshake carries exactly one address' });
  const text = textEncoder.encode(h.addresses.join('|'));
  if (text.length > MAX_HANDSHAKE_ADDRESS_BYTES) throw new MarshallingError({ message: `handshake addresses of ${text.length} bytes exceed ${MAX_HANDSHAKE_ADDRESS_BYTES}` });
  if (!Number.isSafeInteger(h.sid)) throw new MarshallingError({ message: `sid ${h.sid} is not an integer` });
  const out = Buffer.alloc(20 + text.length);
  out.writeBigInt64BE(version, 0);
  out.writeBigInt64BE(BigInt(h.sid), 8);
  out.writeInt32BE(text.length, 16);
  out.set(text, 20);
  return out;
}

/** The pre-3.5 handshake: only the initiator's sid, a non-negative long. */
export function encodeLegacyHandshake(sid: PeerId): Buffer {
  if (!Number.isSafeInteger(sid) || sid < 0) throw new MarshallingError({ message: `legacy handshake sid ${sid} must be a non-negative integer` });
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(BigInt(sid), 0);
  return out;
}

/** Checks one "host:port" (IPv6 hosts in brackets) as ConfigUtils.getHostAndPort does, loosely. */
function checkAddress(addr: string): void {
  const colon = addr.lastIndexOf(':');
  const host = colon < 0 ? '' : addr.slice(0, colon);
  const port = colon < 0 ? '' : addr.slice(colon + 1);
  if (host === '' || !/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new MarshallingError({ message: `badly formed election address ${JSON.stringify(addr)}` });
  if (host.startsWith('[') !== host.endsWith(']')) throw new MarshallingError({ message: `badly formed election address ${JSON.stringify(addr)}` });
}

/**
 * Tries to parse a handshake at the start of `bytes`: the handshake and its length, `undefined`
 * if more bytes are needed, MarshallingError if it can never be valid.
 */
export function tryDecodeElectionHandshake(bytes: Uint8Array): { handshake: ElectionHandshake; length: number } | undefined {
  const b = asBuffer(bytes);
  if (b.length < 8) return undefined;
  const first = b.readBigInt64BE(0);
  if (first >= 0n) return { handshake: { sid: sidOf(first, 'sid'), addresses: [] }, length: 8 };
  if (first !== PROTOCOL_VERSION_V1 && first !== PROTOCOL_VERSION_V2) throw new MarshallingError({ message: `unknown election protocol version ${first}` });
  if (b.length < 20) return undefined;
  const sid = sidOf(b.readBigInt64BE(8), 'sid');
  const len = b.readInt32BE(16);
  if (len <= 0 || len > MAX_HANDSHAKE_ADDRESS_BYTES) throw new MarshallingError({ message: `handshake address length ${len} outside [1, ${MAX_HANDSHAKE_ADDRESS_BYTES}]` });
  if (b.length < 20 + len) return undefined;
  const addresses = utf8Decode(b.subarray(20, 20 + len), 'handshake addresses').split('|');
  for (const a of addresses) checkAddress(a);
  if (first === PROTOCOL_VERSION_V1 && addresses.length !== 1) throw new MarshallingError({ message: 'a V1 election handshake carries exactly one address' });
  return { handshake: { sid, addresses, protocolVersion: first }, length: 20 + len };
}

/** A whole handshake; trailing bytes are an error. */
export function decodeElectionHandshake(bytes: Uint8Array): ElectionHandshake {
  const r = tryDecodeElectionHandshake(bytes);
  if (r === undefined) throw new MarshallingError({ message: `election handshake truncated at ${bytes.length} bytes` });
  if (r.length !== bytes.length) throw new MarshallingError({ message: `${bytes.length - r.length} bytes after the election handshake` });
  return r.handshake;
}

// ---------------------------------------------------------------------------------------------
// Framing

/** `int len, payload`, as SendWorker writes a message. */
export function frameElectionMessage(payload: Uint8Array): Buffer {
  if (payload.length === 0 || payload.length > MAX_ELECTION_MESSAGE_BYTES) throw new MarshallingError({ message: `election message of ${payload.length} bytes outside [1, ${MAX_ELECTION_MESSAGE_BYTES}]` });
  const out = Buffer.alloc(4 + payload.length);
  out.writeInt32BE(payload.length, 0);
  out.set(payload, 4);
  return out;
}

export type ElectionStreamItem = { readonly kind: 'handshake'; readonly handshake: ElectionHandshake } | { readonly kind: 'message'; readonly payload: Buffer };

/**
 * Splits one direction of an election connection into its handshake (when `expectHandshake`: the
 * bytes the receiver of a connection reads) and its message payloads. A length outside
 * [1, 512 KiB] (RecvWorker's check) or a bad handshake throws MarshallingError as soon as the
 * offending bytes arrive; after a throw the decoder is unusable (close the socket).
 */
export class ElectionStreamDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private needHandshake: boolean;
  private failed = false;

  constructor(options: { expectHandshake: boolean }) {
    this.needHandshake = options.expectHandshake;
  }

  /** Bytes received but not yet returned. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array): ElectionStreamItem[] {
    if (this.failed) throw new MarshallingError({ message: 'election stream decoder already failed' });
    try {
      return this.drain(chunk);
    } catch (err) {
      this.failed = true;
      if (err instanceof MarshallingError) throw err;
      throw new MarshallingError({ message: `election stream: ${String(err)}` });
    }
  }

  private drain(chunk: Uint8Array): ElectionStreamItem[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const out: ElectionStreamItem[] = [];
    let at = 0;
    if (this.needHandshake) {
      const r = tryDecodeElectionHandshake(this.pending);
      if (r === undefined) return out;
      this.needHandshake = false;
      at = r.length;
      out.push({ kind: 'handshake', handshake: r.handshake });
    }
    while (this.pending.length - at >= 4) {
      const len = this.pending.readInt32BE(at);
      if (len <= 0 || len > MAX_ELECTION_MESSAGE_BYTES) throw new MarshallingError({ message: `election message length ${len} outside [1, ${MAX_ELECTION_MESSAGE_BYTES}]` });
      if (this.pending.length - at - 4 < len) break;
      out.push({ kind: 'message', payload: Buffer.from(this.pending.subarray(at + 4, at + 4 + len)) });
      at += 4 + len;
    }
    this.pending = at === 0 ? this.pending : Buffer.from(this.pending.subarray(at));
    return out;
  }
}
