import { MarshallingError } from '../../errors/errors.js';
import type { ACL, Id } from '../../jute/records/data.js';
import { JuteReader } from '../../jute/reader.js';
import { JuteWriter } from '../../jute/writer.js';
import type { DataTree } from '../../server/data-tree.js';
import { ByteSink } from '../../server/persistence/byte-cursor.js';
import { DIGEST_VERSION, nodeDigest } from '../../server/persistence/digest.js';
import { decodeSnapshot, encodeSnapshot, writeSnapshotHeader, writeSnapshotNode, type SnapshotImage, type SnapshotNode } from '../../server/persistence/snapshot-format.js';
import { encodeTreeSnapshot } from '../../server/persistence/snapshot-tree.js';
import { PacketType, type QuorumPacket } from '../core/types.js';
import { ByteQueue, NEED_MORE, StreamCursor } from './stream-cursor.js';

/**
 * The learner ↔ leader byte stream (Learner.writePacket / LearnerHandler): QuorumPacket records
 * back to back, with no length prefix, except that right after a SNAP packet the leader streams
 * its database inline (LearnerHandler.syncFollower → ZKDatabase.serializeSnapshot →
 * SerializeUtils.serializeSnapshot, then `writeString("BenWasHere")`; read back by
 * Learner.syncWithLeader). That inline snapshot is a snapshot FILE's body without the file's
 * framing:
 *
 *   int sessionCount, (long id, int timeout)*            SerializeUtils.serializeSnapshot
 *   int aclCount, (long ref, vector<ACL>)*                ReferenceCountedACLCache.serialize
 *   (ustring path, buffer data, long aclRef, StatPersisted)*   DataTree.serializeNodes, root as ""
 *   ustring "/"                                           end of nodes
 *   ustring "BenWasHere"                                  signature
 *
 * No FileHeader, no adler32 seal and no digest section (those come from FileSnap/SnapStream).
 * Pure.
 */

export const SNAP_SIGNATURE = 'BenWasHere';
/** Default bound on one packet's data (ZooKeeper's jute.maxbuffer is 1 MiB; leave headroom). */
export const DEFAULT_MAX_PACKET_DATA_BYTES = 16 * 1024 * 1024;
/** Default bound on an inline snapshot. */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 1024 * 1024 * 1024;
const MAX_AUTH_IDS = 1024;
const MAX_ACL_ENTRIES = 65536;
const STAT_PERSISTED_BYTES = 8 * 4 + 4 * 3 + 8 * 2;
const FILE_HEADER_BYTES = 16;

// ---------------------------------------------------------------------------------------------
// Packets

/**
 * One QuorumPacket record as ZooKeeper writes it: `authinfo` empty is written as a null vector
 * (count -1), which is what every packet Apache sends without identities carries (they are built
 * with `authinfo = null`). Decoding reads both -1 and 0 as [].
 */
export function encodeQuorumRecord(packet: QuorumPacket): Buffer {
  const w = new JuteWriter(32 + (packet.data?.length ?? 0));
  w.int(packet.type).long(packet.zxid).buffer(packet.data);
  if (packet.authinfo.length === 0) w.int(-1);
  else {
    w.int(packet.authinfo.length);
    for (const id of packet.authinfo) w.ustring(id.scheme).ustring(id.id);
  }
  return w.toBuffer();
}

function isPacketType(t: number): boolean {
  return t >= PacketType.REQUEST && t <= PacketType.INFORMANDACTIVATE;
}

function readPacket(c: StreamCursor, maxData: number): QuorumPacket {
  const at = c.pos;
  const type = c.int();
  if (!isPacketType(type)) throw new MarshallingError({ message: `unknown quorum packet type ${type} at offset ${at}` });
  const zxid = c.long();
  const data = c.bytes(-1, maxData, 'packet data');
  const n = c.count(true, MAX_AUTH_IDS, 'authinfo');
  const authinfo: Id[] = [];
  for (let i = 0; i < n; i++) {
    const scheme = c.bytes(0, maxData, 'auth scheme') as Buffer;
    const id = c.bytes(0, maxData, 'auth id') as Buffer;
    authinfo.push({ scheme: scheme.toString('utf8'), id: id.toString('utf8') });
  }
  return { type, zxid, data: data === null ? null : Uint8Array.from(data), authinfo };
}

/** One whole record; trailing bytes are an error. */
export function decodeQuorumRecord(bytes: Uint8Array, maxDataBytes = DEFAULT_MAX_PACKET_DATA_BYTES): QuorumPacket {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c = new StreamCursor(b, 0, b.length);
  try {
    const p = readPacket(c, maxDataBytes);
    if (c.pos !== b.length) throw new MarshallingError({ message: `${b.length - c.pos} bytes after the quorum packet` });
    return p;
  } catch (err) {
    if (err === NEED_MORE) throw new MarshallingError({ message: `quorum packet truncated at ${b.length} bytes` });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Inline snapshot <-> snapshot file image

/** Inline snapshot bytes of an image: its sessions, ACL cache, nodes, end mark and signature. */
function writeSyncSnapshot(image: Pick<SnapshotImage, 'sessions' | 'acls' | 'nodes'>): Buffer {
  const w = new ByteSink(1 << 16);
  writeSnapshotHeader(w, image.sessions, image.acls);
  for (const n of image.nodes) writeSnapshotNode(w, n.path, n.data, n.aclRef, n.stat);
  w.ustring('/');
  w.ustring(SNAP_SIGNATURE);
  return Buffer.from(w.bytes().subarray(FILE_HEADER_BYTES));
}

/**
 * The inline form of a snapshot FILE image (what encodeTreeSnapshot makes). The file's
 * checksums are verified; its digest section is dropped (the wire has none).
 */
export function syncSnapshotFromFileImage(fileBytes: Uint8Array): Buffer {
  let image: SnapshotImage;
  try {
    image = decodeSnapshot(fileBytes);
  } catch (err) {
    throw new MarshallingError({ message: `not a snapshot file image: ${err instanceof Error ? err.message : String(err)}` });
  }
  return writeSyncSnapshot(image);
}

/** What LearnerHandler streams after SNAP for this tree and these sessions (id → timeout ms). */
export function encodeSyncSnapshot(tree: DataTree, sessions: ReadonlyMap<bigint, number>): Buffer {
  return syncSnapshotFromFileImage(encodeTreeSnapshot(tree, sessions));
}

function readAcl(r: JuteReader): ACL[] {
  const count = r.int();
  if (count < 0 || count > MAX_ACL_ENTRIES || count * 12 > r.remaining) throw new MarshallingError({ message: `bad ACL list count ${count}` });
  const acl: ACL[] = [];
  for (let i = 0; i < count; i++) acl.push({ perms: r.int(), id: { scheme: r.ustring(), id: r.ustring() } });
  return acl;
}

function readCount(r: JuteReader, minBytes: number, what: string): number {
  const n = r.int();
  if (n < 0 || n * minBytes > r.remaining) throw new MarshallingError({ message: `bad ${what} count ${n}` });
  return n;
}

/** Parses inline snapshot bytes (through the signature) into a snapshot image without a digest. */
export function decodeSyncSnapshot(inline: Uint8Array): Omit<SnapshotImage, 'digest'> {
  const r = new JuteReader(inline);
  const sessions: Array<{ id: bigint; timeoutMs: number }> = [];
  for (let n = readCount(r, 12, 'session'); n > 0; n--) sessions.push({ id: r.long(), timeoutMs: r.int() });
  const acls: Array<{ ref: bigint; acl: ACL[] }> = [];
  for (let n = readCount(r, 12, 'ACL cache'); n > 0; n--) acls.push({ ref: r.long(), acl: readAcl(r) });
  const nodes: SnapshotNode[] = [];
  for (;;) {
    const path = r.ustring();
    if (path === '/') break;
    const data = r.buffer();
    const aclRef = r.long();
    const stat = { czxid: r.long(), mzxid: r.long(), ctime: r.long(), mtime: r.long(), version: r.int(), cversion: r.int(), aversion: r.int(), ephemeralOwner: r.long(), pzxid: r.long() };
    nodes.push({ path, data, aclRef, stat });
  }
  const signature = r.ustring();
  if (signature !== SNAP_SIGNATURE) throw new MarshallingError({ message: `snapshot signature is ${JSON.stringify(signature)}, not "${SNAP_SIGNATURE}"` });
  if (r.remaining !== 0) throw new MarshallingError({ message: `${r.remaining} bytes after the snapshot signature` });
  return { sessions, acls, nodes };
}

/**
 * A snapshot FILE image (readable by treeOfSnapshot / decodeSnapshot) holding what an inline
 * snapshot holds. With `zxid` (the SNAP packet's zxid: the leader's lastProcessedZxid) the digest
 * section carries the tree digest at that zxid, as a snapshot ZooKeeper writes would; without it,
 * the empty ZxidDigest (zxid 0), which ZooKeeper never compares.
 */
export function fileImageFromSyncSnapshot(inline: Uint8Array, zxid?: bigint): Buffer {
  const image = decodeSyncSnapshot(inline);
  let digest = 0n;
  if (zxid !== undefined && zxid !== 0n) for (const n of image.nodes) digest += nodeDigest(n.path === '' ? '/' : n.path, n.data, n.stat);
  const exact = zxid !== undefined && zxid !== 0n;
  return Buffer.from(encodeSnapshot({ ...image, digest: { zxid: exact ? zxid : 0n, version: DIGEST_VERSION, digest: exact ? BigInt.asIntN(64, digest) : 0n } }));
}

// ---------------------------------------------------------------------------------------------
// Incremental decoder

export interface QuorumStreamItem {
  readonly packet: QuorumPacket;
  /** After a SNAP from the leader: the inline snapshot bytes exactly as sent, through the signature. */
  readonly snapshot?: Buffer;
}

export interface QuorumStreamDecoderOptions {
  /** Which side's bytes this decodes: only the leader's stream carries inline snapshots. */
  readonly from: 'leader' | 'learner';
  readonly maxPacketDataBytes?: number;
  readonly maxSnapshotBytes?: number;
}

type SnapPhase =
  | { readonly step: 'sessionCount' }
  | { readonly step: 'sessions'; left: number }
  | { readonly step: 'aclCount' }
  | { readonly step: 'acls'; left: number }
  | { readonly step: 'nodes' }
  | { readonly step: 'signature' };

const SIGNATURE_BYTES = Buffer.from(SNAP_SIGNATURE, 'utf8');

/**
 * Splits the quorum-port byte stream into packets (and, after SNAP from the leader, the inline
 * snapshot). Lengths are checked against the limits as soon as they arrive, so garbage costs
 * no memory; any malformed input throws MarshallingError and leaves the decoder unusable.
 */
export class QuorumStreamDecoder {
  private readonly queue = new ByteQueue();
  private readonly maxData: number;
  private readonly maxSnapshot: number;
  private readonly fromLeader: boolean;
  /** While reading an inline snapshot: the SNAP packet, the phase, and the bytes scanned so far. */
  private snap: { packet: QuorumPacket; phase: SnapPhase; scanned: number } | undefined;
  private failed = false;

  constructor(options: QuorumStreamDecoderOptions) {
    this.fromLeader = options.from === 'leader';
    this.maxData = options.maxPacketDataBytes ?? DEFAULT_MAX_PACKET_DATA_BYTES;
    this.maxSnapshot = options.maxSnapshotBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
  }

  get pendingBytes(): number {
    return this.queue.length;
  }

  /** True while an inline snapshot is being received. */
  get inSnapshot(): boolean {
    return this.snap !== undefined;
  }

  push(chunk: Uint8Array): QuorumStreamItem[] {
    if (this.failed) throw new MarshallingError({ message: 'quorum stream decoder already failed' });
    try {
      this.queue.append(chunk);
      return this.drain();
    } catch (err) {
      this.failed = true;
      if (err instanceof MarshallingError) throw err;
      throw new MarshallingError({ message: `quorum stream: ${String(err)}` });
    }
  }

  private drain(): QuorumStreamItem[] {
    const out: QuorumStreamItem[] = [];
    for (;;) {
      const q = this.queue;
      if (this.snap !== undefined) {
        const snap = this.snap;
        const c = new StreamCursor(q.bytes, q.start + snap.scanned, q.end);
        const done = this.scanSnapshot(c, snap);
        snap.scanned = c.pos - q.start;
        if (snap.scanned > this.maxSnapshot) throw new MarshallingError({ message: `inline snapshot exceeds ${this.maxSnapshot} bytes` });
        if (!done) return out;
        out.push({ packet: snap.packet, snapshot: Buffer.from(q.bytes.subarray(q.start, c.pos)) });
        q.consumeTo(c.pos);
        this.snap = undefined;
        continue;
      }
      if (q.length === 0) return out;
      const c = new StreamCursor(q.bytes, q.start, q.end);
      let packet: QuorumPacket;
      try {
        packet = readPacket(c, this.maxData);
      } catch (err) {
        if (err === NEED_MORE) return out;
        throw err;
      }
      q.consumeTo(c.pos);
      if (this.fromLeader && packet.type === PacketType.SNAP) this.snap = { packet, phase: { step: 'sessionCount' }, scanned: 0 };
      else out.push({ packet });
    }
  }

  /** Advances over whole items of the snapshot; true once the signature has been read. */
  private scanSnapshot(c: StreamCursor, snap: { phase: SnapPhase }): boolean {
    for (;;) {
      const at = c.pos;
      try {
        if (this.scanItem(c, snap)) return true;
      } catch (err) {
        if (err !== NEED_MORE) throw err;
        c.pos = at;
        return false;
      }
    }
  }

  /** One item: a count, a session, an ACL cache entry, a node, or the signature. */
  private scanItem(c: StreamCursor, snap: { phase: SnapPhase }): boolean {
    const p = snap.phase;
    switch (p.step) {
      case 'sessionCount': {
        const n = c.count(false, this.maxSnapshot / 12, 'session');
        snap.phase = n > 0 ? { step: 'sessions', left: n } : { step: 'aclCount' };
        return false;
      }
      case 'sessions':
        c.skip(12);
        if (--p.left === 0) snap.phase = { step: 'aclCount' };
        return false;
      case 'aclCount': {
        const n = c.count(false, this.maxSnapshot / 12, 'ACL cache');
        snap.phase = n > 0 ? { step: 'acls', left: n } : { step: 'nodes' };
        return false;
      }
      case 'acls': {
        c.skip(8);
        const n = c.count(false, MAX_ACL_ENTRIES, 'ACL list');
        for (let i = 0; i < n; i++) {
          c.skip(4);
          c.bytes(0, this.maxData, 'ACL scheme');
          c.bytes(0, this.maxData, 'ACL id');
        }
        if (--p.left === 0) snap.phase = { step: 'nodes' };
        return false;
      }
      case 'nodes': {
        const path = c.bytes(0, this.maxData, 'node path') as Buffer;
        if (path.length === 1 && path[0] === 0x2f) {
          snap.phase = { step: 'signature' };
          return false;
        }
        c.bytes(-1, this.maxData, 'node data');
        c.skip(8 + STAT_PERSISTED_BYTES);
        return false;
      }
      case 'signature': {
        const sig = c.bytes(0, SIGNATURE_BYTES.length, 'snapshot signature') as Buffer;
        if (!sig.equals(SIGNATURE_BYTES)) throw new MarshallingError({ message: `snapshot signature is ${JSON.stringify(sig.toString('latin1'))}, not "${SNAP_SIGNATURE}"` });
        return true;
      }
    }
  }
}
