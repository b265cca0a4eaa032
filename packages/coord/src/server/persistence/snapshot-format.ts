import type { ACL, StatPersisted } from '../../jute/records/data.js';
import { ByteSink, ByteSource } from './byte-cursor.js';
import { adler32 } from './checksum.js';
import { PersistenceFormatError } from './errors.js';

/**
 * The snapshot file format, pure (FileSnap.serialize → SerializeUtils.serializeSnapshot +
 * DataTree.serialize, then SnapStream.sealStream; 3.8.0):
 *
 *   FileHeader{"ZKSN", 2, dbid -1}
 *   int sessionCount, (long id, int timeout)*
 *   int aclCount, (long ref, vector<ACL>)*           ReferenceCountedACLCache
 *   (ustring path, buffer data, long aclRef, StatPersisted)*   root as "", depth first
 *   ustring "/"                                       end of nodes
 *   long adler32(all bytes so far), ustring "/"       seal
 *   [long zxid, int digestVersion, long digest,       the 3.6+ digest section,
 *    long adler32(all bytes so far), ustring "/"]     sealed again
 *
 * An ACL ref of -1 means OPEN_ACL_UNSAFE (ZooKeeper's system nodes use it).
 */
export const SNAPSHOT_MAGIC = 0x5a4b534e; // "ZKSN"
export const SNAPSHOT_VERSION = 2;
export const SNAPSHOT_DBID = -1n;
export const OPEN_ACL_REF = -1n;
const SEAL = '/';

export interface SnapshotNode {
  /** As on disk: "" for the root, "/a/b" otherwise. */
  readonly path: string;
  readonly data: Uint8Array | null;
  readonly aclRef: bigint;
  readonly stat: StatPersisted;
}

export interface SnapshotDigest {
  readonly zxid: bigint;
  readonly version: number;
  readonly digest: bigint;
}

/** A snapshot file's content in file order; encode(decode(bytes)) gives back the same bytes. */
export interface SnapshotImage {
  readonly sessions: ReadonlyArray<{ readonly id: bigint; readonly timeoutMs: number }>;
  readonly acls: ReadonlyArray<{ readonly ref: bigint; readonly acl: readonly ACL[] }>;
  readonly nodes: readonly SnapshotNode[];
  readonly digest?: SnapshotDigest;
}

function seal(w: ByteSink): void {
  const bytes = w.bytes();
  w.long(BigInt(adler32(bytes, 0, bytes.length)));
  w.ustring(SEAL);
}

function writeAcl(w: ByteSink, acl: readonly ACL[]): void {
  w.int(acl.length);
  for (const a of acl) {
    w.int(a.perms);
    w.ustring(a.id.scheme);
    w.ustring(a.id.id);
  }
}

function writeStat(w: ByteSink, s: StatPersisted): void {
  w.long(s.czxid);
  w.long(s.mzxid);
  w.long(s.ctime);
  w.long(s.mtime);
  w.int(s.version);
  w.int(s.cversion);
  w.int(s.aversion);
  w.long(s.ephemeralOwner);
  w.long(s.pzxid);
}

/** FileHeader, sessions and the ACL cache: everything before the first node. */
export function writeSnapshotHeader(w: ByteSink, sessions: SnapshotImage['sessions'], acls: SnapshotImage['acls']): void {
  w.int(SNAPSHOT_MAGIC);
  w.int(SNAPSHOT_VERSION);
  w.long(SNAPSHOT_DBID);
  w.int(sessions.length);
  for (const s of sessions) {
    w.long(s.id);
    w.int(s.timeoutMs);
  }
  w.int(acls.length);
  for (const a of acls) {
    w.long(a.ref);
    writeAcl(w, a.acl);
  }
}

export function writeSnapshotNode(w: ByteSink, path: string, data: Uint8Array | null, aclRef: bigint, stat: StatPersisted): void {
  w.ustring(path);
  w.buffer(data);
  w.long(aclRef);
  writeStat(w, stat);
}

/** The end-of-nodes mark, the checksum and seal, and the optional sealed digest section. */
export function sealSnapshot(w: ByteSink, digest: SnapshotDigest | undefined): void {
  w.ustring(SEAL);
  seal(w);
  if (digest === undefined) return;
  w.long(digest.zxid);
  w.int(digest.version);
  w.long(digest.digest);
  seal(w);
}

/** The file's bytes (a view of the encoder's buffer, not a copy). */
export function encodeSnapshot(image: SnapshotImage): Buffer {
  const w = new ByteSink(1 << 16);
  writeSnapshotHeader(w, image.sessions, image.acls);
  for (const n of image.nodes) writeSnapshotNode(w, n.path, n.data, n.aclRef, n.stat);
  sealSnapshot(w, image.digest);
  return w.bytes();
}

function checkSeal(bytes: Uint8Array, r: ByteSource, what: string): void {
  const at = r.pos;
  const expected = BigInt(adler32(bytes, 0, at));
  const stored = r.long();
  if (stored !== expected) throw new PersistenceFormatError(`${what} checksum mismatch at offset ${at}: stored 0x${stored.toString(16)}, computed 0x${expected.toString(16)}`);
  const mark = r.ustring();
  if (mark !== SEAL) throw new PersistenceFormatError(`${what} seal at offset ${at + 8} is ${JSON.stringify(mark)}, not "/"`);
}

function readAcl(r: ByteSource): ACL[] {
  const count = r.int();
  if (count < -1 || count * 12 > r.remaining) throw new PersistenceFormatError(`bad ACL count ${count} at offset ${r.pos - 4}`);
  const acl: ACL[] = [];
  for (let i = 0; i < count; i++) acl.push({ perms: r.int(), id: { scheme: r.ustring(), id: r.ustring() } });
  return acl;
}

function readStat(r: ByteSource): StatPersisted {
  return { czxid: r.long(), mzxid: r.long(), ctime: r.long(), mtime: r.long(), version: r.int(), cversion: r.int(), aversion: r.int(), ephemeralOwner: r.long(), pzxid: r.long() };
}

function count(r: ByteSource, minBytes: number, what: string): number {
  const n = r.int();
  if (n < 0 || n * minBytes > r.remaining) throw new PersistenceFormatError(`bad ${what} count ${n} at offset ${r.pos - 4}`);
  return n;
}

/** Decodes and verifies a snapshot; throws PersistenceFormatError naming the offset of the fault. */
/** Receives a snapshot's nodes as they are read, so recovery need not hold them all at once. */
export type SnapshotNodeSink = (node: SnapshotNode) => void;
type SnapshotHeader = Pick<SnapshotImage, 'sessions' | 'acls'>;

export function decodeSnapshot(bytes: Uint8Array): SnapshotImage {
  const nodes: SnapshotNode[] = [];
  const rest = decodeSnapshotStreaming(bytes, () => (n) => void nodes.push(n));
  return { ...rest, nodes };
}

/**
 * decodeSnapshot without the node list: once the sessions and the ACL cache are read,
 * `onHeader` gives the sink that receives each node as soon as it is read.
 */
export function decodeSnapshotStreaming(bytes: Uint8Array, onHeader: (header: SnapshotHeader) => SnapshotNodeSink): Omit<SnapshotImage, 'nodes'> {
  const r = new ByteSource(bytes);
  const magic = r.int();
  const version = r.int();
  r.long();
  if (magic !== SNAPSHOT_MAGIC) throw new PersistenceFormatError(`bad magic 0x${(magic >>> 0).toString(16)} (want "ZKSN")`);
  if (version !== SNAPSHOT_VERSION) throw new PersistenceFormatError(`unsupported snapshot version ${version}`);
  const sessions: Array<{ id: bigint; timeoutMs: number }> = [];
  for (let n = count(r, 12, 'session'); n > 0; n--) sessions.push({ id: r.long(), timeoutMs: r.int() });
  const acls: Array<{ ref: bigint; acl: ACL[] }> = [];
  for (let n = count(r, 12, 'ACL cache'); n > 0; n--) acls.push({ ref: r.long(), acl: readAcl(r) });
  const sink = onHeader({ sessions, acls });
  for (;;) {
    const path = r.ustring();
    if (path === SEAL) break;
    sink({ path, data: r.buffer(), aclRef: r.long(), stat: readStat(r) });
  }
  checkSeal(bytes, r, 'snapshot');
  if (r.remaining === 0) return { sessions, acls };
  const digest = { zxid: r.long(), version: r.int(), digest: r.long() };
  checkSeal(bytes, r, 'digest');
  if (r.remaining !== 0) throw new PersistenceFormatError(`${r.remaining} unexpected bytes after the digest seal at offset ${r.pos}`);
  return { sessions, acls, digest };
}

/** Util.isValidSnapshot's cheap test: long enough, and ends with the "/" seal. */
export function looksSealed(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= 10 && bytes[n - 5] === 0 && bytes[n - 4] === 0 && bytes[n - 3] === 0 && bytes[n - 2] === 1 && bytes[n - 1] === 0x2f;
}
