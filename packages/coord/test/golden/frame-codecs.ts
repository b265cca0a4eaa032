/**
 * Which jute codec decodes which frame of a recorded ZooKeeper session, and a decoder that
 * applies them: the handshake records first, then RequestHeader + body chosen by opcode (client)
 * or ReplyHeader + body chosen by the opcode of the request with the same xid (server).
 */
import {
  AddWatchRequest,
  AuthPacket,
  CheckVersionRequest,
  CheckWatchesRequest,
  ConnectRequest,
  ConnectResponse,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteRequest,
  ErrorResponse,
  ExistsRequest,
  ExistsResponse,
  GetACLRequest,
  GetACLResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetChildren2Request,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  GetSASLRequest,
  JuteReader,
  MultiRequest,
  MultiResponse,
  OpCode,
  ReconfigRequest,
  RemoveWatchesRequest,
  ReplyHeader,
  RequestHeader,
  SetACLRequest,
  SetACLResponse,
  SetDataRequest,
  SetDataResponse,
  SetSASLResponse,
  SetWatches,
  SetWatches2,
  SyncRequest,
  SyncResponse,
  WatcherEvent,
  WhoAmIResponse,
  Xid,
  empty,
  encode,
  frame,
  nameOf,
  type Codec,
} from '../../src/jute/index.js';

/** Request body by opcode (ZooKeeper.java / ClientCnxn; zookeeper.jute). */
export const requestBodyCodecs: ReadonlyMap<number, Codec<unknown>> = new Map<number, Codec<unknown>>([
  [OpCode.create, CreateRequest],
  [OpCode.create2, CreateRequest],
  [OpCode.createContainer, CreateRequest],
  [OpCode.createTTL, CreateTTLRequest],
  [OpCode.delete, DeleteRequest],
  [OpCode.exists, ExistsRequest],
  [OpCode.getData, GetDataRequest],
  [OpCode.setData, SetDataRequest],
  [OpCode.getACL, GetACLRequest],
  [OpCode.setACL, SetACLRequest],
  [OpCode.getChildren, GetChildrenRequest],
  [OpCode.getChildren2, GetChildren2Request],
  [OpCode.sync, SyncRequest],
  [OpCode.check, CheckVersionRequest],
  [OpCode.multi, MultiRequest],
  [OpCode.multiRead, MultiRequest],
  [OpCode.reconfig, ReconfigRequest],
  [OpCode.checkWatches, CheckWatchesRequest],
  [OpCode.removeWatches, RemoveWatchesRequest],
  [OpCode.auth, AuthPacket],
  [OpCode.setWatches, SetWatches],
  [OpCode.setWatches2, SetWatches2],
  [OpCode.sasl, GetSASLRequest],
  [OpCode.getEphemerals, GetEphemeralsRequest],
  [OpCode.getAllChildrenNumber, GetAllChildrenNumberRequest],
  [OpCode.addWatch, AddWatchRequest],
  // Header-only requests.
  [OpCode.ping, empty],
  [OpCode.closeSession, empty],
  [OpCode.whoAmI, empty],
]);

/**
 * Reply body (when err == 0) by the opcode of the request it answers (FinalRequestProcessor).
 * Note createContainer and createTTL are answered with Create2Response even though the Java
 * client's stat-less create(CONTAINER) reads only the path; and addWatch carries an int body.
 */
export const responseBodyCodecs: ReadonlyMap<number, Codec<unknown>> = new Map<number, Codec<unknown>>([
  [OpCode.create, CreateResponse],
  [OpCode.create2, Create2Response],
  [OpCode.createContainer, Create2Response],
  [OpCode.createTTL, Create2Response],
  [OpCode.delete, empty],
  [OpCode.exists, ExistsResponse],
  [OpCode.getData, GetDataResponse],
  [OpCode.setData, SetDataResponse],
  [OpCode.getACL, GetACLResponse],
  [OpCode.setACL, SetACLResponse],
  [OpCode.getChildren, GetChildrenResponse],
  [OpCode.getChildren2, GetChildren2Response],
  [OpCode.sync, SyncResponse],
  [OpCode.check, SetDataResponse],
  [OpCode.multi, MultiResponse],
  [OpCode.multiRead, MultiResponse],
  [OpCode.reconfig, GetDataResponse],
  [OpCode.checkWatches, empty],
  [OpCode.removeWatches, empty],
  [OpCode.auth, empty],
  [OpCode.setWatches, empty],
  [OpCode.setWatches2, empty],
  [OpCode.sasl, SetSASLResponse],
  [OpCode.getEphemerals, GetEphemeralsResponse],
  [OpCode.getAllChildrenNumber, GetAllChildrenNumberResponse],
  [OpCode.addWatch, ErrorResponse],
  [OpCode.whoAmI, WhoAmIResponse],
  [OpCode.ping, empty],
  [OpCode.closeSession, empty],
]);

/** One decoded value and the codec that produced it, so it can be re-encoded. */
export interface Part {
  readonly codec: Codec<unknown>;
  readonly value: unknown;
}

export interface DecodedFrame {
  /** e.g. "client #3 create2(15) xid 3", for test names and failure messages. */
  readonly label: string;
  readonly opcode: number | undefined;
  readonly parts: readonly Part[];
  /** Set when the frame did not decode; the frame's own test reports it, the others still run. */
  readonly error: Error | undefined;
}

export function opName(opcode: number): string {
  return `${String(nameOf(OpCode, opcode) ?? 'unknown')}(${opcode})`;
}

/** What a codec picker learns from the header: a better label and the opcode. */
interface FrameMeta {
  label: string;
  opcode: number | undefined;
}

/**
 * Decodes one framed message: reads parts in sequence over the whole body, `pick` choosing each
 * next codec from the parts read so far (undefined = done). Leftover bytes are an error.
 */
function decodeFrame(framed: Buffer, label: string, pick: (done: readonly Part[], meta: FrameMeta) => Codec<unknown> | undefined): DecodedFrame {
  const meta: FrameMeta = { label, opcode: undefined };
  const parts: Part[] = [];
  try {
    if (framed.length < 4 || framed.readInt32BE(0) !== framed.length - 4) throw new Error('length prefix does not match the frame');
    const body = framed.subarray(4);
    const reader = new JuteReader(body);
    for (let codec = pick(parts, meta); codec !== undefined; codec = pick(parts, meta)) {
      parts.push({ codec, value: codec.read(reader) });
    }
    if (reader.remaining !== 0) throw new Error(`${reader.remaining} bytes left after decoding: ${body.subarray(reader.offset).toString('hex')}`);
    return { ...meta, parts, error: undefined };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ...meta, parts, error: new Error(`${meta.label}: ${message}`, { cause: err }) };
  }
}

/**
 * Decodes the client frames of one connection. Returns them and the xid -> opcode map the server
 * frames are decoded against (xids are per connection; a reply names its request only by xid).
 */
export function decodeClientFrames(frames: readonly Buffer[]): { decoded: DecodedFrame[]; opcodeByXid: Map<number, number> } {
  const opcodeByXid = new Map<number, number>();
  const decoded = frames.map((framed, index): DecodedFrame => {
    if (index === 0) return decodeFrame(framed, 'client #0 ConnectRequest', (done) => (done.length === 0 ? ConnectRequest : undefined));
    return decodeFrame(framed, `client #${index}`, (done, meta) => {
      if (done.length === 0) return RequestHeader;
      if (done.length > 1) return undefined;
      const header = done[0]?.value as RequestHeader;
      meta.opcode = header.type;
      meta.label = `client #${index} ${opName(header.type)} xid ${header.xid}`;
      opcodeByXid.set(header.xid, header.type);
      const codec = requestBodyCodecs.get(header.type);
      if (codec === undefined) throw new Error('no request codec for this opcode');
      return codec;
    });
  });
  return { decoded, opcodeByXid };
}

/** Decodes the server frames of one connection, given that connection's xid -> opcode map. */
export function decodeServerFrames(frames: readonly Buffer[], opcodeByXid: ReadonlyMap<number, number>): DecodedFrame[] {
  return frames.map((framed, index): DecodedFrame => {
    if (index === 0) return decodeFrame(framed, 'server #0 ConnectResponse', (done) => (done.length === 0 ? ConnectResponse : undefined));
    return decodeFrame(framed, `server #${index}`, (done, meta) => {
      if (done.length === 0) return ReplyHeader;
      if (done.length > 1) return undefined;
      const header = done[0]?.value as ReplyHeader;
      if (header.xid === Xid.notification) {
        meta.label = `server #${index} notification`;
        return WatcherEvent;
      }
      // Ping and auth replies use reserved xids and carry no body; any other xid is a request's.
      const opcode = header.xid === Xid.ping ? OpCode.ping : header.xid === Xid.auth ? OpCode.auth : opcodeByXid.get(header.xid);
      if (opcode === undefined) throw new Error(`reply xid ${header.xid} matches no request`);
      meta.opcode = opcode;
      meta.label = `server #${index} ${opName(opcode)} xid ${header.xid} err ${header.err}`;
      // The body is present only on success (ClientCnxn.readResponse reads it only if err == 0).
      if (header.err !== 0) return undefined;
      const codec = responseBodyCodecs.get(opcode);
      if (codec === undefined) throw new Error('no response codec for this opcode');
      return codec;
    });
  });
}

/** Encodes the parts again and frames them: equal to the captured frame iff the codec round-trips. */
export function reencode(decoded: DecodedFrame): Buffer {
  return frame(Buffer.concat(decoded.parts.map((part) => encode(part.codec, part.value))));
}
