/**
 * What the server must do with a byte stream, decided from the bytes alone with the shared
 * codec: how the stream splits into frames (as the server's FrameReader splits it), whether the
 * server must close the connection on its own, and which bytes to append so that it closes for
 * certain (the "poison"). The rules mirror connection-handler.ts and zk-server.ts:
 *
 * - the first four bytes of a connection that spell a four-letter word are answered, then closed;
 * - a negative or over-limit length prefix closes at once;
 * - the first frame must decode as a ConnectRequest; a non-zero session id this server never
 *   issued gets timeOut 0 and a close; a lastZxidSeen ahead of the server closes;
 * - after the handshake, a body that does not decode as its opcode's record, an unknown opcode,
 *   a failed auth and closeSession close the connection; everything else gets a reply and the
 *   connection stays open (error codes travel in the reply header).
 *
 * The server closing a connection for a malformed body is this server's documented rule
 * (DESIGN.md rule 3). When the rule changes, this file changes with it.
 */
import type { Codec } from '../../src/jute/codec.js';
import { decode } from '../../src/jute/codec.js';
import { OpCode, Xid } from '../../src/jute/opcodes.js';
import { JuteReader } from '../../src/jute/reader.js';
import { ConnectRequest } from '../../src/jute/records/connect.js';
import { AuthPacket, RequestHeader } from '../../src/jute/records/headers.js';
import { MultiRequest } from '../../src/jute/records/multi.js';
import {
  CheckVersionRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  ExistsRequest,
  GetACLRequest,
  GetAllChildrenNumberRequest,
  GetChildrenRequest,
  GetDataRequest,
  GetEphemeralsRequest,
  SetACLRequest,
  SetDataRequest,
  SyncRequest,
} from '../../src/jute/records/requests.js';
import { AddWatchRequest, CheckWatchesRequest, RemoveWatchesRequest, SetWatches, SetWatches2 } from '../../src/jute/records/watches.js';
import { FOUR_LETTER_WORDS } from '../../src/server/four-letter-words.js';

/** Where the server's frame reader stands after the whole stream. */
export type FramingState =
  | { readonly kind: 'boundary' }
  | { readonly kind: 'prefix'; readonly bytes: Buffer }
  | { readonly kind: 'body'; readonly missing: number }
  | { readonly kind: 'badLength'; readonly length: number }
  | { readonly kind: 'fourLetterWord'; readonly word: string };

export interface StreamModel {
  /** Complete frame bodies, in order, up to the end of the stream or the first bad length. */
  readonly frames: readonly Buffer[];
  readonly state: FramingState;
}

/** Splits a connection's byte stream the way the server does. */
export function scanStream(stream: Uint8Array, maxFrameBytes: number): StreamModel {
  const bytes = Buffer.from(stream.buffer, stream.byteOffset, stream.byteLength);
  if (bytes.length >= 4) {
    const head = bytes.subarray(0, 4).toString('latin1');
    if ((FOUR_LETTER_WORDS as readonly string[]).includes(head)) return { frames: [], state: { kind: 'fourLetterWord', word: head } };
  }
  const frames: Buffer[] = [];
  let at = 0;
  for (;;) {
    if (bytes.length - at < 4) {
      const rest = bytes.subarray(at);
      return { frames, state: rest.length === 0 ? { kind: 'boundary' } : { kind: 'prefix', bytes: Buffer.from(rest) } };
    }
    const length = bytes.readInt32BE(at);
    if (length < 0 || length > maxFrameBytes) return { frames, state: { kind: 'badLength', length } };
    if (bytes.length - at - 4 < length) return { frames, state: { kind: 'body', missing: length - (bytes.length - at - 4) } };
    frames.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
}

/** A length prefix of -1: the server must drop the connection as soon as it reads it. */
export const POISON: Uint8Array = Uint8Array.of(0xff, 0xff, 0xff, 0xff);

/**
 * Bytes that, appended to the stream, make the server close for certain: zeros to finish the
 * pending frame (or length prefix), then POISON. Empty when the server must close already.
 */
export function closingSuffix(model: StreamModel, maxFrameBytes: number): Uint8Array {
  const state = model.state;
  switch (state.kind) {
    case 'badLength':
    case 'fourLetterWord':
      return new Uint8Array(0);
    case 'boundary':
      return POISON;
    case 'body':
      return Buffer.concat([Buffer.alloc(state.missing), POISON]);
    case 'prefix': {
      const fill = 4 - state.bytes.length;
      const length = Buffer.concat([state.bytes, Buffer.alloc(fill)]).readInt32BE(0);
      if (length < 0 || length > maxFrameBytes) return Buffer.alloc(fill);
      return Buffer.concat([Buffer.alloc(fill + length), POISON]);
    }
  }
}

export type Expectation =
  /** The server must close without any more input. */
  | { readonly kind: 'closes'; readonly reason: string }
  /** Every frame was acceptable: the server must keep the connection until told otherwise. */
  | { readonly kind: 'open'; readonly handshake: boolean }
  /** Depends on server state the stream cannot know (e.g. a zxid race); no early-close check. */
  | { readonly kind: 'either'; readonly reason: string };

type BodyRule = Codec<unknown> | 'noBody' | 'closes';
// The codecs document what each opcode carries; since a bad body no longer closes the
// connection, only 'closes' changes the expectation.

/** The records the server decodes per opcode (zk-server.ts request/writeRequest). */
const BODY_RULES = new Map<number, BodyRule>([
  [OpCode.ping, 'noBody'],
  [OpCode.whoAmI, 'noBody'],
  [OpCode.reconfig, 'noBody'],
  [OpCode.closeSession, 'closes'],
  [OpCode.sasl, 'closes'],
  [OpCode.createSession, 'noBody'],
  [OpCode.deleteContainer, DeleteRequest],
  [OpCode.exists, ExistsRequest],
  [OpCode.getData, GetDataRequest],
  [OpCode.getChildren, GetChildrenRequest],
  [OpCode.getChildren2, GetChildrenRequest],
  [OpCode.getACL, GetACLRequest],
  [OpCode.getAllChildrenNumber, GetAllChildrenNumberRequest],
  [OpCode.getEphemerals, GetEphemeralsRequest],
  [OpCode.sync, SyncRequest],
  [OpCode.multiRead, MultiRequest],
  [OpCode.checkWatches, CheckWatchesRequest],
  [OpCode.removeWatches, RemoveWatchesRequest],
  [OpCode.addWatch, AddWatchRequest],
  [OpCode.setWatches, SetWatches],
  [OpCode.setWatches2, SetWatches2],
  [OpCode.create, CreateRequest],
  [OpCode.create2, CreateRequest],
  [OpCode.createContainer, CreateRequest],
  [OpCode.createTTL, CreateTTLRequest],
  [OpCode.delete, DeleteRequest],
  [OpCode.setData, SetDataRequest],
  [OpCode.setACL, SetACLRequest],
  [OpCode.check, CheckVersionRequest],
  [OpCode.multi, MultiRequest],
]);

/** undefined when the request is acceptable; otherwise why the server must close. */
export function requestCloses(body: Uint8Array): string | undefined {
  const reader = new JuteReader(body);
  let header: RequestHeader;
  try {
    header = RequestHeader.read(reader);
  } catch {
    return `request header truncated (${body.length} bytes)`;
  }
  if (header.xid === Xid.auth || header.type === OpCode.auth) {
    try {
      const packet = AuthPacket.read(reader);
      return packet.scheme === 'digest' || packet.scheme === 'ip' ? undefined : `auth with scheme ${JSON.stringify(packet.scheme)}`;
    } catch {
      return 'malformed AuthPacket';
    }
  }
  const rule = BODY_RULES.get(header.type);
  if (rule === undefined) return `unknown opcode ${header.type}`;
  if (rule === 'closes') return 'closeSession';
  // Any other request keeps the connection, even with a body that does not decode: like
  // ZooKeeper, the server answers MARSHALLINGERROR and carries on.
  return undefined;
}

/** What the server must do with this stream, given its last zxid when the stream was sent. */
export function expectationFor(model: StreamModel, lastZxid: bigint): Expectation {
  if (model.state.kind === 'fourLetterWord') return { kind: 'closes', reason: `four-letter word ${model.state.word}` };
  const [first, ...requests] = model.frames;
  if (first !== undefined) {
    let hello: ConnectRequest;
    try {
      hello = decode(ConnectRequest, first);
    } catch {
      return { kind: 'closes', reason: 'malformed ConnectRequest' };
    }
    if (hello.sessionId !== 0n) return { kind: 'closes', reason: `reconnect to unknown session 0x${hello.sessionId.toString(16)}` };
    if (hello.lastZxidSeen > lastZxid) return { kind: 'either', reason: 'lastZxidSeen ahead of the server when sent' };
    for (const body of requests) {
      const reason = requestCloses(body);
      if (reason !== undefined) return { kind: 'closes', reason };
    }
  }
  if (model.state.kind === 'badLength') return { kind: 'closes', reason: `frame length ${model.state.length}` };
  return { kind: 'open', handshake: first !== undefined };
}
