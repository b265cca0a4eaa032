/**
 * Seeded fast-check generators of hostile client byte streams for the server fuzz test
 * (test/integration/server-fuzz.test.ts) and the standalone runner (test/fuzz/run.ts).
 *
 * A scenario is what ONE client connection writes: a list of chunks (one socket write each,
 * so frame and four-letter-word boundaries fall inside writes too) and the number of frames it
 * holds, which is what the frame budget counts. Five families, as the brief asks:
 *   randomBytes        pure random bytes, with and without a valid length prefix
 *   connectThenRandom  a valid ConnectRequest, then random frames
 *   mutatedRequests    a valid handshake, then well-formed requests of every opcode with some
 *                      mutated (flipped bytes, truncation, extension, huge or negative counts,
 *                      other opcodes and xids, a lying length prefix)
 *   badLength          frames whose length is negative or over the server's frame limit
 *   fourLetterWord     four-letter words (and near misses) as the first bytes, often split
 */
import fc from 'fast-check';
import type { Codec } from '../../src/jute/codec.js';
import { encode } from '../../src/jute/codec.js';
import { frame } from '../../src/jute/frame-reader.js';
import { OpCode, Xid } from '../../src/jute/opcodes.js';
import { ConnectRequest } from '../../src/jute/records/connect.js';
import type { ACL } from '../../src/jute/records/data.js';
import { AuthPacket, RequestHeader } from '../../src/jute/records/headers.js';
import { MultiRequest, type MultiOp } from '../../src/jute/records/multi.js';
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
  GetSASLRequest,
  ReconfigRequest,
  SetACLRequest,
  SetDataRequest,
  SyncRequest,
} from '../../src/jute/records/requests.js';
import { AddWatchRequest, CheckWatchesRequest, RemoveWatchesRequest, SetWatches, SetWatches2 } from '../../src/jute/records/watches.js';

export const FUZZ_KINDS = ['randomBytes', 'connectThenRandom', 'mutatedRequests', 'badLength', 'fourLetterWord'] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

export interface FuzzScenario {
  readonly kind: FuzzKind;
  /** The bytes as written, one socket write per chunk. */
  readonly chunks: readonly Uint8Array[];
  /** Frames in the scenario (for raw random bytes: units); what the frame budget counts. */
  readonly frames: number;
}

/** The subtree the generated paths mostly live in; the campaign creates it before fuzzing. */
export const FUZZ_ROOT = '/fuzz';

const PATHS = [
  '/', FUZZ_ROOT, `${FUZZ_ROOT}/a`, `${FUZZ_ROOT}/a/b`, `${FUZZ_ROOT}/c`, `${FUZZ_ROOT}/seq-`, `${FUZZ_ROOT}/`,
  '/zookeeper', '/zookeeper/quota', '/zookeeper/config', '/nope', '', 'relative', '//x', `${FUZZ_ROOT}/./x`,
  `${FUZZ_ROOT}/\u0000`, `${FUZZ_ROOT}/\u0001`, `${FUZZ_ROOT}/\ud800x`, `${FUZZ_ROOT}/${'x'.repeat(1000)}`,
] as const;

const KNOWN_OPCODES: readonly number[] = Object.values(OpCode);

const path: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PATHS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }).map((s) => `${FUZZ_ROOT}/${s}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
);

const data: fc.Arbitrary<Uint8Array | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 12, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.integer({ min: 65, max: 64 * 1024 }).map((n) => new Uint8Array(n)) },
);

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const version = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(-1, 0, 1) }, { weight: 1, arbitrary: int32 });
const xid = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, Xid.notification, Xid.ping, Xid.setWatches, 0x7fffffff, -0x80000000) },
);

const acl: fc.Arbitrary<ACL[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<ACL>(
      { perms: 31, id: { scheme: 'world', id: 'anyone' } },
      { perms: 1, id: { scheme: 'world', id: 'anyone' } },
      { perms: 0, id: { scheme: 'world', id: 'anyone' } },
      { perms: 31, id: { scheme: 'auth', id: '' } },
      { perms: 31, id: { scheme: 'digest', id: 'user:tz6/T1xSFyk/yRnGZ0hDWGH6z3I=' } },
      { perms: 31, id: { scheme: 'ip', id: '127.0.0.1' } },
      { perms: 31, id: { scheme: 'ip', id: '10.0.0.0/8' } },
    ) },
    { weight: 1, arbitrary: fc.record({ perms: int32, id: fc.record({ scheme: fc.string({ maxLength: 8 }), id: fc.string({ maxLength: 16 }) }) }) },
  ),
  { maxLength: 3 },
);

const createFlags = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: int32 });
const ttl = fc.oneof(fc.constantFrom(-1n, 0n, 1n, 1000n, 0xffffffffffn, 0x10000000000n), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));

/** One request before any mutation: header fields and the encoded record. */
export interface RequestSpec {
  readonly xid: number;
  readonly type: number;
  readonly body: Uint8Array;
}

function req<T>(type: number, codec: Codec<T>, value: fc.Arbitrary<T>, xids: fc.Arbitrary<number> = xid): fc.Arbitrary<RequestSpec> {
  return fc.tuple(xids, value).map(([x, v]) => ({ xid: x, type, body: encode(codec, v) }));
}

function bare(type: number, xids: fc.Arbitrary<number> = xid): fc.Arbitrary<RequestSpec> {
  return xids.map((x) => ({ xid: x, type, body: new Uint8Array(0) }));
}

const pathWatch = fc.record({ path, watch: fc.boolean() });
const createRequest = fc.record({ path, data, acl, flags: createFlags });

const multiOp: fc.Arbitrary<MultiOp> = fc.oneof(
  createRequest.map((request): MultiOp => ({ type: OpCode.create, request })),
  createRequest.map((request): MultiOp => ({ type: OpCode.create2, request })),
  createRequest.map((request): MultiOp => ({ type: OpCode.createContainer, request })),
  fc.record({ path, data, acl, flags: createFlags, ttl }).map((request): MultiOp => ({ type: OpCode.createTTL, request })),
  fc.record({ path, version }).map((request): MultiOp => ({ type: OpCode.delete, request })),
  fc.record({ path, data, version }).map((request): MultiOp => ({ type: OpCode.setData, request })),
  fc.record({ path, version }).map((request): MultiOp => ({ type: OpCode.check, request })),
  pathWatch.map((request): MultiOp => ({ type: OpCode.getData, request })),
  pathWatch.map((request): MultiOp => ({ type: OpCode.getChildren, request })),
);
const readOp: fc.Arbitrary<MultiOp> = fc.oneof(
  pathWatch.map((request): MultiOp => ({ type: OpCode.getData, request })),
  pathWatch.map((request): MultiOp => ({ type: OpCode.getChildren, request })),
);
const paths = fc.array(path, { maxLength: 4 });
const zxid = fc.oneof(fc.constantFrom(-1n, 0n, 1n), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));

const closingRequest: fc.Arbitrary<RequestSpec> = fc.oneof(
  req(OpCode.sasl, GetSASLRequest, fc.record({ token: fc.uint8Array({ maxLength: 32 }) })),
  fc.tuple(xid, int32.filter((t) => !KNOWN_OPCODES.includes(t)), fc.uint8Array({ maxLength: 32 })).map(([x, type, body]) => ({ xid: x, type, body })),
  bare(OpCode.closeSession),
);

/** Every request the server knows, plus SASL and unknown opcodes; reads weigh most. */
export const requestSpec: fc.Arbitrary<RequestSpec> = fc.oneof(
  { weight: 4, arbitrary: bare(OpCode.ping, fc.constantFrom(Xid.ping, 1)) },
  { weight: 6, arbitrary: req(OpCode.exists, ExistsRequest, pathWatch) },
  { weight: 6, arbitrary: req(OpCode.getData, GetDataRequest, pathWatch) },
  { weight: 4, arbitrary: req(OpCode.getChildren, GetChildrenRequest, pathWatch) },
  { weight: 3, arbitrary: req(OpCode.getChildren2, GetChildrenRequest, pathWatch) },
  { weight: 2, arbitrary: req(OpCode.getACL, GetACLRequest, fc.record({ path })) },
  { weight: 1, arbitrary: req(OpCode.sync, SyncRequest, fc.record({ path })) },
  { weight: 1, arbitrary: req(OpCode.getAllChildrenNumber, GetAllChildrenNumberRequest, fc.record({ path })) },
  { weight: 1, arbitrary: req(OpCode.getEphemerals, GetEphemeralsRequest, fc.record({ prefixPath: path })) },
  { weight: 1, arbitrary: bare(OpCode.whoAmI) },
  { weight: 4, arbitrary: req(OpCode.create, CreateRequest, createRequest) },
  { weight: 2, arbitrary: req(OpCode.create2, CreateRequest, createRequest) },
  { weight: 1, arbitrary: req(OpCode.createContainer, CreateRequest, createRequest) },
  { weight: 1, arbitrary: req(OpCode.createTTL, CreateTTLRequest, fc.record({ path, data, acl, flags: createFlags, ttl })) },
  { weight: 3, arbitrary: req(OpCode.delete, DeleteRequest, fc.record({ path, version })) },
  { weight: 3, arbitrary: req(OpCode.setData, SetDataRequest, fc.record({ path, data, version })) },
  { weight: 1, arbitrary: req(OpCode.setACL, SetACLRequest, fc.record({ path, acl, version })) },
  { weight: 1, arbitrary: req(OpCode.check, CheckVersionRequest, fc.record({ path, version })) },
  { weight: 2, arbitrary: req(OpCode.multi, MultiRequest, fc.array(multiOp, { maxLength: 6 })) },
  { weight: 2, arbitrary: req(OpCode.multiRead, MultiRequest, fc.array(readOp, { maxLength: 6 })) },
  { weight: 1, arbitrary: req(OpCode.checkWatches, CheckWatchesRequest, fc.record({ path, type: fc.integer({ min: -1, max: 6 }) })) },
  { weight: 1, arbitrary: req(OpCode.removeWatches, RemoveWatchesRequest, fc.record({ path, type: fc.integer({ min: -1, max: 6 }) })) },
  { weight: 2, arbitrary: req(OpCode.addWatch, AddWatchRequest, fc.record({ path, mode: fc.integer({ min: -1, max: 2 }) })) },
  {
    weight: 1,
    arbitrary: req(OpCode.setWatches, SetWatches, fc.record({ relativeZxid: zxid, dataWatches: paths, existWatches: paths, childWatches: paths }), fc.constant(Xid.setWatches)),
  },
  {
    weight: 1,
    arbitrary: req(
      OpCode.setWatches2,
      SetWatches2,
      fc.record({ relativeZxid: zxid, dataWatches: paths, existWatches: paths, childWatches: paths, persistentWatches: paths, persistentRecursiveWatches: paths }),
      fc.constant(Xid.setWatches),
    ),
  },
  {
    weight: 1,
    arbitrary: req(
      OpCode.auth,
      AuthPacket,
      fc.record({
        type: fc.constant(0),
        // Schemes other than digest and ip fail and close, as in ZooKeeper: keep them rare.
        scheme: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('digest', 'ip') }, { weight: 1, arbitrary: fc.constantFrom('world', 'sasl', '') }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
        auth: fc.oneof(fc.constant(new TextEncoder().encode('user:password')), fc.uint8Array({ maxLength: 32 }), fc.constant(null)),
      }),
      fc.constant(Xid.auth),
    ),
  },
  { weight: 1, arbitrary: req(OpCode.reconfig, ReconfigRequest, fc.record({ joiningServers: fc.string(), leavingServers: fc.string(), newMembers: fc.string(), curConfigId: zxid })) },
  // Requests that end the connection (SASL and unknown opcodes are not supported, closeSession
  // closes): one slot in ~60, and mostly a ping in that slot, so most connections live on.
  { weight: 1, arbitrary: fc.oneof({ weight: 1, arbitrary: closingRequest }, { weight: 4, arbitrary: bare(OpCode.ping, fc.constant(Xid.ping)) }) },
);

/** How a request's frame is damaged; 'none' leaves it well-formed. Offsets wrap modulo the body length. */
export type Mutation =
  | { readonly kind: 'none' }
  | { readonly kind: 'flip'; readonly at: readonly number[]; readonly xor: number }
  | { readonly kind: 'truncate'; readonly keep: number }
  | { readonly kind: 'extend'; readonly extra: Uint8Array }
  | { readonly kind: 'int'; readonly at: number; readonly value: number }
  | { readonly kind: 'opcode'; readonly value: number }
  | { readonly kind: 'xid'; readonly value: number }
  | { readonly kind: 'lengthLie'; readonly delta: number };

/** Sum of the weights of the damaging mutations below. */
const MUTATION_WEIGHT = 13;

const specialInt = fc.oneof(fc.constantFrom(-1, -2, 0, 1, 255, 0xffff, 0x000fffff, 0x00100000, 0x7fffffff, -0x80000000), int32);

function mutation(noneWeight: number, maxFrameBytes: number): fc.Arbitrary<Mutation> {
  return fc.oneof(
    { weight: noneWeight, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), xor: fc.integer({ min: 1, max: 255 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 64 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('int' as const), at: fc.nat(), value: specialInt }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('opcode' as const), value: fc.oneof(fc.constantFrom(...KNOWN_OPCODES), int32) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('xid' as const), value: fc.oneof(fc.constantFrom(0, -1, -2, -4, -8, 0x7fffffff), int32) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('lengthLie' as const),
        delta: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -16, max: 16 }) }, { weight: 2, arbitrary: fc.integer({ min: 17, max: 4096 }) }, { weight: 1, arbitrary: fc.integer({ min: 4097, max: maxFrameBytes }) }),
      }),
    },
  );
}

/** Header + record, then the mutation, then the length prefix (which only lengthLie falsifies). */
export function buildRequestFrame(spec: RequestSpec, m: Mutation): Uint8Array {
  let body = Buffer.concat([encode(RequestHeader, { xid: spec.xid, type: spec.type }), spec.body]);
  switch (m.kind) {
    case 'none':
      break;
    case 'flip':
      for (const at of m.at) body[at % body.length] = (body[at % body.length] ?? 0) ^ m.xor;
      break;
    case 'truncate':
      body = body.subarray(0, m.keep % body.length);
      break;
    case 'extend':
      body = Buffer.concat([body, m.extra]);
      break;
    case 'int':
      // Anywhere in the record (after the header): a length, a count, a flag or a version.
      if (body.length >= 12) body.writeInt32BE(m.value, 8 + (m.at % (body.length - 11)));
      break;
    case 'opcode':
      body.writeInt32BE(m.value, 4);
      break;
    case 'xid':
      body.writeInt32BE(m.value, 0);
      break;
    case 'lengthLie': {
      const out = Buffer.alloc(4 + body.length);
      out.writeInt32BE(Math.max(-0x80000000, Math.min(0x7fffffff, body.length + m.delta)), 0);
      body.copy(out, 4);
      return out;
    }
  }
  return frame(body);
}

/** A well-formed handshake asking for a short session, so abandoned sessions expire soon. */
export const connectFrame: fc.Arbitrary<Uint8Array> = fc
  .record({
    timeOut: fc.constantFrom(0, 100, 1000, 2000),
    passwd: fc.oneof(fc.constant(new Uint8Array(16)), fc.constant(null), fc.uint8Array({ minLength: 16, maxLength: 16 })),
    readOnly: fc.constantFrom(undefined, false, true),
  })
  .map((v) => frame(encode(ConnectRequest, { protocolVersion: 0, lastZxidSeen: 0n, sessionId: 0n, ...v })));

interface Units {
  readonly units: readonly Uint8Array[];
  readonly frames: number;
}

const randomFrame = fc.uint8Array({ maxLength: 128 }).map((b) => frame(b));
const rawBytes = fc.uint8Array({ minLength: 1, maxLength: 32 });

const randomBytes: fc.Arbitrary<Units> = fc.array(fc.oneof(randomFrame, rawBytes), { minLength: 1, maxLength: 40, size: 'max' }).map((units) => ({ units, frames: units.length }));

const randomRequestFrame = fc.oneof(
  randomFrame,
  fc.tuple(xid, fc.constantFrom(...KNOWN_OPCODES), fc.uint8Array({ maxLength: 64 })).map(([x, type, rest]) => frame(Buffer.concat([encode(RequestHeader, { xid: x, type }), rest]))),
);

const connectThenRandom: fc.Arbitrary<Units> = fc
  .tuple(connectFrame, fc.array(fc.oneof({ weight: 6, arbitrary: randomRequestFrame }, { weight: 1, arbitrary: rawBytes }), { minLength: 1, maxLength: 40, size: 'max' }))
  .map(([hello, rest]) => ({ units: [hello, ...rest], frames: 1 + rest.length }));

function mutatedRequests(maxFrameBytes: number): fc.Arbitrary<Units> {
  // Per connection, how often a frame is mutated (1/2, 1/10, 1/50 or 1/250): most mutations end
  // the connection, so some connections must be almost clean to live long.
  return fc.constantFrom(MUTATION_WEIGHT, 9 * MUTATION_WEIGHT, 49 * MUTATION_WEIGHT, 249 * MUTATION_WEIGHT).chain((noneWeight) =>
    fc
      .tuple(connectFrame, fc.array(fc.tuple(requestSpec, mutation(noneWeight, maxFrameBytes)), { minLength: 10, maxLength: 90, size: 'max' }))
      .map(([hello, requests]) => ({ units: [hello, ...requests.map(([spec, m]) => buildRequestFrame(spec, m))], frames: 1 + requests.length })),
  );
}

function badLength(maxFrameBytes: number): fc.Arbitrary<Units> {
  const length = fc.oneof(
    fc.constantFrom(maxFrameBytes + 1, 0x7fffffff, -1, -0x80000000),
    fc.integer({ min: maxFrameBytes + 1, max: 0x7fffffff }),
    fc.integer({ min: -0x80000000, max: -1 }),
  );
  const tail = fc.oneof(
    { weight: 40, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    // Now and then the whole oversized body really follows: the server must not wait for it.
    { weight: 1, arbitrary: fc.constant(new Uint8Array(maxFrameBytes + 1)) },
  );
  const before = fc.oneof(
    fc.constant<Uint8Array[]>([]),
    connectFrame.map((c) => [c]),
    fc.tuple(connectFrame, fc.array(requestSpec, { maxLength: 10 })).map(([c, specs]) => [c, ...specs.map((s) => buildRequestFrame(s, { kind: 'none' }))]),
  );
  return fc.tuple(before, length, tail).map(([prefix, len, rest]) => {
    const head = Buffer.alloc(4);
    head.writeInt32BE(len, 0);
    return { units: [...prefix, Buffer.concat([head, rest])], frames: prefix.length + 1 };
  });
}

const fourLetterWord: fc.Arbitrary<Units> = fc
  .tuple(
    fc.constantFrom('ruok', 'srvr', 'stat', 'mntr', 'isro', 'conf', 'cons', 'dump', 'envi', 'wchs', 'wchc', 'kill', 'RUOK', 'ruo\u0000', 'mnt', 'sr'),
    fc.uint8Array({ maxLength: 32 }),
  )
  .map(([word, rest]) => ({ units: [Buffer.concat([Buffer.from(word, 'latin1'), rest])], frames: 1 }));

/** Splits the stream into writes: a few random cuts, sometimes a byte-by-byte start. */
function chunked(kind: FuzzKind, units: Units): fc.Arbitrary<FuzzScenario> {
  return fc.tuple(fc.array(fc.nat(), { maxLength: 4 }), fc.boolean()).map(([cuts, trickle]) => {
    const all = Buffer.concat(units.units);
    const at = new Set<number>();
    for (const c of cuts) if (all.length > 1) at.add(1 + (c % (all.length - 1)));
    if (trickle) for (const c of [1, 2, 3]) if (c < all.length) at.add(c);
    const sorted = [...at].sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let from = 0;
    for (const to of sorted) {
      chunks.push(all.subarray(from, to));
      from = to;
    }
    if (from < all.length) chunks.push(all.subarray(from));
    return { kind, chunks, frames: units.frames };
  });
}

export interface ScenarioOptions {
  /** The server's frame limit (jute.maxbuffer). */
  readonly maxFrameBytes: number;
}

/** One connection's worth of hostile bytes, from any of the five families. */
export function scenario(options: ScenarioOptions): fc.Arbitrary<FuzzScenario> {
  const { maxFrameBytes } = options;
  return fc.oneof(
    { weight: 2, arbitrary: randomBytes.chain((u) => chunked('randomBytes', u)) },
    { weight: 2, arbitrary: connectThenRandom.chain((u) => chunked('connectThenRandom', u)) },
    { weight: 10, arbitrary: mutatedRequests(maxFrameBytes).chain((u) => chunked('mutatedRequests', u)) },
    { weight: 1, arbitrary: badLength(maxFrameBytes).chain((u) => chunked('badLength', u)) },
    { weight: 1, arbitrary: fourLetterWord.chain((u) => chunked('fourLetterWord', u)) },
  );
}

/** Seed of block `index` of a run: blocks are sampled independently, so any one can be replayed. */
export function blockSeed(seed: number, index: number): number {
  return (Math.imul(index + 1, 0x9e3779b1) ^ seed) | 0;
}

/** The scenarios of one block, deterministically from (seed, index). */
export function sampleBlock(options: ScenarioOptions, seed: number, index: number, size: number): FuzzScenario[] {
  return fc.sample(scenario(options), { seed: blockSeed(seed, index), numRuns: size });
}
