import fc from 'fast-check';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MarshallingError } from '../../src/errors/errors.js';
import { PacketType, ServerState, type ElectionNotification, type QuorumPacket } from '../../src/quorum/core/types.js';
import {
  decodeElectionHandshake,
  decodeNotification,
  ElectionStreamDecoder,
  encodeElectionHandshake,
  encodeLegacyHandshake,
  encodeNotification,
  frameElectionMessage,
  MAX_ELECTION_MESSAGE_BYTES,
  PROTOCOL_VERSION_V2,
} from '../../src/quorum/wire/election.js';
import { encodeLearnerInfo } from '../../src/quorum/wire/packets.js';
import {
  decodeQuorumRecord,
  decodeSyncSnapshot,
  encodeQuorumRecord,
  encodeSyncSnapshot,
  fileImageFromSyncSnapshot,
  QuorumStreamDecoder,
  syncSnapshotFromFileImage,
  type QuorumStreamItem,
} from '../../src/quorum/wire/quorum-stream.js';
import { PeerTransport, type PeerServerAddress, type PeerTransportCallbacks } from '../../src/quorum/transport.js';
import { DataTree } from '../../src/server/data-tree.js';
import { getFreePort } from '../../src/testing/free-port.js';
import { decodeSnapshot } from '../../src/server/persistence/snapshot-format.js';
import { encodeTreeSnapshot, treeOfSnapshot } from '../../src/server/persistence/snapshot-tree.js';

const SEED = 0x0c00_4d06;
const runs = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });

/** Runs `fn`; anything thrown must be a MarshallingError. */
function onlyMarshallingError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err instanceof MarshallingError, `threw ${String(err)}`).toBe(true);
  }
}

const long64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const notificationArb: fc.Arbitrary<ElectionNotification> = fc.record({
  state: fc.constantFrom(ServerState.LOOKING, ServerState.FOLLOWING, ServerState.LEADING, ServerState.OBSERVING),
  leader: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  zxid: long64,
  electionEpoch: long64,
  peerEpoch: long64,
  version: fc.integer({ min: 2, max: 0x7fffffff }),
  config: fc.string({ unit: 'grapheme', maxLength: 200 }),
});

/** Splits `bytes` into chunks at the given cut points. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

describe('election notification', () => {
  it('round-trips the 3.5+ layout', () => {
    fc.assert(
      fc.property(notificationArb, (n) => {
        const bytes = encodeNotification(n);
        expect(decodeNotification(bytes)).toEqual(n);
        expect(encodeNotification(decodeNotification(bytes)).equals(bytes)).toBe(true);
      }),
      runs(300),
    );
  });

  it('has buildMsg layout: 44 bytes plus the config', () => {
    const n: ElectionNotification = { state: ServerState.LOOKING, leader: 3, zxid: 0x100000002n, electionEpoch: 7n, peerEpoch: 1n, version: 2, config: 'v' };
    expect(encodeNotification(n).toString('hex')).toBe(
      '00000000' + '0000000000000003' + '0000000100000002' + '0000000000000007' + '0000000000000001' + '00000002' + '00000001' + '76',
    );
  });

  it('reads the legacy 28- and 40-byte forms', () => {
    const full = encodeNotification({ state: ServerState.FOLLOWING, leader: 2, zxid: 0x500000009n, electionEpoch: 4n, peerEpoch: 6n, version: 2, config: '' });
    expect(decodeNotification(full.subarray(0, 28))).toEqual({ state: 1, leader: 2, zxid: 0x500000009n, electionEpoch: 4n, peerEpoch: 5n, version: 0, config: '' });
    const forty = Buffer.concat([full.subarray(0, 36), Buffer.alloc(4, 0xee)]);
    expect(decodeNotification(forty)).toEqual({ state: 1, leader: 2, zxid: 0x500000009n, electionEpoch: 4n, peerEpoch: 6n, version: 0, config: '' });
    // Version 1 (3.4.6+) carries no config.
    const v1 = Buffer.from(full.subarray(0, 44));
    v1.writeInt32BE(1, 36);
    expect(decodeNotification(v1).version).toBe(1);
  });

  it('rejects short, truncated and inconsistent notifications with MarshallingError', () => {
    const full = encodeNotification({ state: 0, leader: 1, zxid: 1n, electionEpoch: 1n, peerEpoch: 1n, version: 2, config: 'abc' });
    for (const len of [0, 27, 29, 35, 37, 39, 41, 43, 46]) expect(() => decodeNotification(full.subarray(0, len))).toThrow(MarshallingError);
    const badState = Buffer.from(full);
    badState.writeInt32BE(9, 0);
    expect(() => decodeNotification(badState)).toThrow(MarshallingError);
    const negative = Buffer.from(full);
    negative.writeInt32BE(-1, 40);
    expect(() => decodeNotification(negative)).toThrow(MarshallingError);
  });

  it('raises only MarshallingError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => onlyMarshallingError(() => decodeNotification(b))), runs(2000));
  });
});

describe('election handshake and framing', () => {
  it('encodes V1 with one address and V2 with several', () => {
    const v1 = encodeElectionHandshake({ sid: 3, addresses: ['127.0.0.1:3888'] });
    expect(v1.subarray(0, 20).toString('hex')).toBe('ffffffffffff0000' + '0000000000000003' + '0000000e');
    expect(v1.subarray(20).toString()).toBe('127.0.0.1:3888');
    expect(decodeElectionHandshake(v1)).toEqual({ sid: 3, addresses: ['127.0.0.1:3888'], protocolVersion: -65536n });
    const v2 = encodeElectionHandshake({ sid: 2, addresses: ['10.0.0.1:3888', '[::1]:3889'] });
    expect(decodeElectionHandshake(v2)).toEqual({ sid: 2, addresses: ['10.0.0.1:3888', '[::1]:3889'], protocolVersion: PROTOCOL_VERSION_V2 });
    expect(decodeElectionHandshake(encodeLegacyHandshake(7))).toEqual({ sid: 7, addresses: [] });
  });

  it('rejects bad handshakes', () => {
    const good = encodeElectionHandshake({ sid: 3, addresses: ['h:1'] });
    const cases: Buffer[] = [];
    const badVersion = Buffer.from(good);
    badVersion.writeBigInt64BE(-5n, 0);
    cases.push(badVersion);
    for (const len of [0, -1, 2049]) {
      const b = Buffer.from(good);
      b.writeInt32BE(len, 16);
      cases.push(b);
    }
    for (const addr of ['nohost', 'h:', ':1', 'h:99999', 'h:x1', 'a:1|b:2']) {
      const body = Buffer.from(addr);
      const b = Buffer.concat([good.subarray(0, 16), Buffer.alloc(4), body]);
      b.writeInt32BE(body.length, 16);
      cases.push(b);
    }
    for (const b of cases) expect(() => decodeElectionHandshake(b), b.toString('hex')).toThrow(MarshallingError);
    expect(() => encodeElectionHandshake({ sid: 1, addresses: ['x'.repeat(2050) + ':1'] })).toThrow(MarshallingError);
  });

  it('splits a stream into handshake and messages however it is chunked', () => {
    const messages = [
      encodeNotification({ state: 0, leader: 1, zxid: 0n, electionEpoch: 1n, peerEpoch: 0n, version: 2, config: 'server.1=127.0.0.1:2888:3888:participant\nversion=0' }),
      encodeNotification({ state: 2, leader: 1, zxid: 5n, electionEpoch: 1n, peerEpoch: 0n, version: 2, config: '' }),
    ];
    const handshake = encodeElectionHandshake({ sid: 5, addresses: ['127.0.0.1:1234'] });
    const stream = Buffer.concat([handshake, ...messages.map(frameElectionMessage)]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
        const d = new ElectionStreamDecoder({ expectHandshake: true });
        const items = chunked(stream, cuts).flatMap((c) => d.push(c));
        expect(items.map((i) => i.kind)).toEqual(['handshake', 'message', 'message']);
        expect(items.slice(1).map((i) => (i.kind === 'message' ? i.payload : undefined))).toEqual(messages);
        expect(d.pendingBytes).toBe(0);
      }),
      runs(200),
    );
  });

  it('rejects negative, zero and oversize message lengths as soon as they arrive', () => {
    for (const len of [-1, 0, MAX_ELECTION_MESSAGE_BYTES + 1, 0x7fffffff]) {
      const d = new ElectionStreamDecoder({ expectHandshake: false });
      const head = Buffer.alloc(4);
      head.writeInt32BE(len);
      expect(() => d.push(head)).toThrow(MarshallingError);
    }
    expect(() => frameElectionMessage(Buffer.alloc(MAX_ELECTION_MESSAGE_BYTES + 1))).toThrow(MarshallingError);
  });

  it('raises only MarshallingError on random streams', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), (hs, chunks) => {
        const d = new ElectionStreamDecoder({ expectHandshake: hs });
        onlyMarshallingError(() => {
          for (const c of chunks) for (const item of d.push(c)) if (item.kind === 'message') onlyMarshallingError(() => decodeNotification(item.payload));
        });
      }),
      runs(1000),
    );
  });
});

const packetArb: fc.Arbitrary<QuorumPacket> = fc.record({
  type: fc.integer({ min: 1, max: 19 }),
  zxid: long64,
  data: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null }),
  authinfo: fc.array(fc.record({ scheme: fc.string({ maxLength: 8 }), id: fc.string({ maxLength: 16 }) }), { maxLength: 3 }),
});

function sampleTree(): { tree: DataTree; sessions: Map<bigint, number> } {
  const tree = new DataTree(undefined, { extendedTypesEnabled: true });
  const open = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
  const digest = [{ perms: 1, id: { scheme: 'digest', id: 'u:hash' } }];
  tree.createNode('/a', Buffer.from('hello'), open, 0n, -1, 0x100000001n, 1000n);
  tree.createNode('/a/b', null, digest, 0x1234n, -1, 0x100000002n, 1001n);
  tree.createNode('/c', Buffer.alloc(300, 7), open, 0n, -1, 0x100000003n, 1002n);
  tree.lastProcessedZxid = 0x100000003n;
  return { tree, sessions: new Map([[0x1234n, 30000], [0x1000001n, 4000]]) };
}

describe('quorum packets and the learner stream', () => {
  it('round-trips records; empty authinfo goes out as a null vector', () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        const bytes = encodeQuorumRecord(p);
        expect(decodeQuorumRecord(bytes)).toEqual(p);
      }),
      runs(300),
    );
    const ping = encodeQuorumRecord({ type: PacketType.PING, zxid: 1n, data: null, authinfo: [] });
    expect(ping.toString('hex')).toBe('00000005' + '0000000000000001' + 'ffffffff' + 'ffffffff');
  });

  it('rejects unknown types, absurd lengths and trailing bytes', () => {
    const good = encodeQuorumRecord({ type: 3, zxid: 1n, data: Buffer.from('x'), authinfo: [] });
    const badType = Buffer.from(good);
    badType.writeInt32BE(99, 0);
    expect(() => decodeQuorumRecord(badType)).toThrow(MarshallingError);
    expect(() => decodeQuorumRecord(Buffer.concat([good, Buffer.of(0)]))).toThrow(MarshallingError);
    const d = new QuorumStreamDecoder({ from: 'leader' });
    const head = Buffer.alloc(16);
    head.writeInt32BE(2, 0);
    head.writeInt32BE(0x7fffffff, 12);
    expect(() => d.push(head)).toThrow(MarshallingError);
  });

  it('raises only MarshallingError on random bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom<'leader' | 'learner'>('leader', 'learner'), fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 5 }), (from, chunks) => {
        onlyMarshallingError(() => decodeQuorumRecord(Buffer.concat(chunks)));
        const d = new QuorumStreamDecoder({ from, maxPacketDataBytes: 4096 });
        onlyMarshallingError(() => chunks.forEach((c) => d.push(c)));
      }),
      runs(1000),
    );
  });

  it('streams a SNAP with its inline snapshot between ordinary packets, however chunked', () => {
    const { tree, sessions } = sampleTree();
    const inline = encodeSyncSnapshot(tree, sessions);
    const before: QuorumPacket = { type: PacketType.LEADERINFO, zxid: 0x200000000n, data: Uint8Array.of(0, 1, 0, 0), authinfo: [] };
    const snap: QuorumPacket = { type: PacketType.SNAP, zxid: 0x100000003n, data: null, authinfo: [] };
    const after: QuorumPacket = { type: PacketType.NEWLEADER, zxid: 0x200000000n, data: new TextEncoder().encode('cfg'), authinfo: [] };
    const stream = Buffer.concat([encodeQuorumRecord(before), encodeQuorumRecord(snap), inline, encodeQuorumRecord(after)]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const d = new QuorumStreamDecoder({ from: 'leader' });
        const items: QuorumStreamItem[] = chunked(stream, cuts).flatMap((c) => d.push(c));
        expect(items).toEqual([{ packet: before }, { packet: snap, snapshot: inline }, { packet: after }]);
        expect(d.pendingBytes).toBe(0);
      }),
      runs(300),
    );
    // From a learner, SNAP is just a packet.
    const d = new QuorumStreamDecoder({ from: 'learner' });
    expect(d.push(encodeQuorumRecord(snap))).toEqual([{ packet: snap }]);
  });

  it('rejects a wrong signature and an oversize snapshot', () => {
    const { tree, sessions } = sampleTree();
    const inline = Buffer.from(encodeSyncSnapshot(tree, sessions));
    inline[inline.length - 1] = 0x21;
    const snap = encodeQuorumRecord({ type: PacketType.SNAP, zxid: 1n, data: null, authinfo: [] });
    expect(() => new QuorumStreamDecoder({ from: 'leader' }).push(Buffer.concat([snap, inline]))).toThrow(MarshallingError);
    expect(() => decodeSyncSnapshot(inline)).toThrow(MarshallingError);
    const small = new QuorumStreamDecoder({ from: 'leader', maxSnapshotBytes: 64 });
    expect(() => small.push(Buffer.concat([snap, encodeSyncSnapshot(tree, sessions)]))).toThrow(MarshallingError);
  });

  it('converts between the inline form and snapshot file images', () => {
    const { tree, sessions } = sampleTree();
    const file = encodeTreeSnapshot(tree, sessions);
    const inline = syncSnapshotFromFileImage(file);
    expect(inline.equals(encodeSyncSnapshot(tree, sessions))).toBe(true);
    // The inline form is the file's body: no 16-byte header, no seal, no digest; then the signature.
    expect(inline.subarray(0, inline.length - 14).equals(file.subarray(16, 16 + inline.length - 14))).toBe(true);
    expect(inline.subarray(inline.length - 14).toString('latin1')).toBe('\u0000\u0000\u0000\u000aBenWasHere');
    const back = fileImageFromSyncSnapshot(inline, tree.lastProcessedZxid);
    expect(back.equals(file)).toBe(true);
    expect(syncSnapshotFromFileImage(fileImageFromSyncSnapshot(inline)).equals(inline)).toBe(true);
    expect(decodeSnapshot(fileImageFromSyncSnapshot(inline)).digest?.zxid).toBe(0n);
    const restored = treeOfSnapshot(back, () => new DataTree(undefined, { extendedTypesEnabled: true })).tree;
    expect([...restored.nodes.keys()].sort()).toEqual([...tree.nodes.keys()].sort());
    expect(() => syncSnapshotFromFileImage(Buffer.from('garbage'))).toThrow(MarshallingError);
  });

  it('decodes learner info from FOLLOWERINFO', () => {
    const data = encodeLearnerInfo({ serverId: 2n, protocolVersion: 0x10000, configVersion: 0n });
    const d = new QuorumStreamDecoder({ from: 'learner' });
    const [item] = d.push(encodeQuorumRecord({ type: PacketType.FOLLOWERINFO, zxid: 0x100000000n, data, authinfo: [] }));
    expect(item?.packet.data).toEqual(Uint8Array.from(data));
  });
});

// ---------------------------------------------------------------------------------------------
// PeerTransport over loopback

/** Values pushed by callbacks, awaited in order by the test (no sleeps). */
class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(v: T) => void> = [];
  readonly all: T[] = [];

  push(v: T): void {
    this.all.push(v);
    const w = this.waiters.shift();
    if (w !== undefined) w(v);
    else this.items.push(v);
  }

  next(): Promise<T> {
    const v = this.items.shift();
    if (v !== undefined) return Promise.resolve(v);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Skips values until one matches. */
  async until(pred: (v: T) => boolean): Promise<T> {
    for (;;) {
      const v = await this.next();
      if (pred(v)) return v;
    }
  }
}

type TransportEvent =
  | { kind: 'election'; from: number; n: ElectionNotification }
  | { kind: 'up'; peer: number }
  | { kind: 'down'; peer: number }
  | { kind: 'packet'; from: number; packet: QuorumPacket; snapshot?: Uint8Array };

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function addresses(n: number): Promise<PeerServerAddress[]> {
  const out: PeerServerAddress[] = [];
  for (let id = 1; id <= n; id++) out.push({ id, host: '127.0.0.1', quorumPort: await getFreePort(), electionPort: await getFreePort() });
  return out;
}

async function transport(self: number, servers: PeerServerAddress[]): Promise<{ t: PeerTransport; events: Inbox<TransportEvent> }> {
  const events = new Inbox<TransportEvent>();
  const callbacks: PeerTransportCallbacks = {
    onElection: (from, n) => events.push({ kind: 'election', from, n }),
    onLinkUp: (peer) => events.push({ kind: 'up', peer }),
    onLinkDown: (peer) => events.push({ kind: 'down', peer }),
    onPacket: (from, packet, snapshot) => events.push(snapshot === undefined ? { kind: 'packet', from, packet } : { kind: 'packet', from, packet, snapshot }),
  };
  const t = new PeerTransport({ self, servers }, callbacks);
  cleanups.push(() => t.close());
  await t.start();
  return { t, events };
}

const vote = (leader: number, electionEpoch: bigint): ElectionNotification => ({ state: ServerState.LOOKING, leader, zxid: 0n, electionEpoch, peerEpoch: 0n, version: 2, config: '' });

/** A socket's decoded election stream and its close. */
interface RawConn {
  readonly socket: Socket;
  readonly items: Inbox<{ kind: 'handshake'; sid: number } | { kind: 'message'; n: ElectionNotification } | { kind: 'closed' }>;
}

function rawConn(socket: Socket, expectHandshake: boolean): RawConn {
  const items: RawConn['items'] = new Inbox();
  const d = new ElectionStreamDecoder({ expectHandshake });
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    for (const i of d.push(chunk)) items.push(i.kind === 'handshake' ? { kind: 'handshake', sid: i.handshake.sid } : { kind: 'message', n: decodeNotification(i.payload) });
  });
  socket.on('close', () => items.push({ kind: 'closed' }));
  cleanups.push(() => socket.destroy());
  return { socket, items };
}

/** A hand-driven peer listening on `port`: each accepted connection is decoded. */
async function rawPeer(port: number): Promise<Inbox<RawConn>> {
  const conns = new Inbox<RawConn>();
  const server: Server = createServer((s) => conns.push(rawConn(s, true)));
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port }, resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return conns;
}

async function dial(port: number, expectHandshake = false): Promise<RawConn> {
  const socket = connect({ host: '127.0.0.1', port });
  const conn = rawConn(socket, expectHandshake);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return conn;
}

const isElectionFrom = (from: number) => (e: TransportEvent) => e.kind === 'election' && e.from === from;

describe('PeerTransport election links', () => {
  it('two peers exchange notifications, whoever sends first', async () => {
    const servers = await addresses(2);
    const a = await transport(1, servers);
    const b = await transport(2, servers);
    a.t.sendElection(2, vote(1, 1n));
    expect(await b.events.until(isElectionFrom(1))).toEqual({ kind: 'election', from: 1, n: vote(1, 1n) });
    b.t.sendElection(1, vote(2, 1n));
    expect(await a.events.until(isElectionFrom(2))).toEqual({ kind: 'election', from: 2, n: vote(2, 1n) });
    a.t.sendElection(2, vote(2, 2n));
    expect(await b.events.until(isElectionFrom(1))).toMatchObject({ n: { electionEpoch: 2n } });
  });

  it('three peers all reach each other', async () => {
    const servers = await addresses(3);
    const peers = [await transport(1, servers), await transport(2, servers), await transport(3, servers)];
    peers.forEach((p, i) => servers.forEach((s) => p.t.sendElection(s.id, vote(i + 1, 1n))));
    for (const [i, p] of peers.entries()) {
      const from = new Set<number>();
      while (from.size < 3) {
        const e = await p.events.next();
        if (e.kind === 'election') from.add(e.from);
      }
      expect([...from].sort(), `peer ${i + 1}`).toEqual([1, 2, 3]);
    }
  });

  it('a larger sid closes a smaller one’s connection and dials back', async () => {
    const servers = await addresses(2);
    const peer1 = await rawPeer(servers[0]!.electionPort);
    const b = await transport(2, servers);
    const from1 = await dial(servers[1]!.electionPort);
    from1.socket.write(encodeElectionHandshake({ sid: 1, addresses: ['127.0.0.1:1'] }));
    expect(await from1.items.next()).toEqual({ kind: 'closed' });
    const back = await peer1.next();
    expect(await back.items.next()).toEqual({ kind: 'handshake', sid: 2 });
    // The dial-back is the link: notifications flow both ways on it.
    back.socket.write(frameElectionMessage(encodeNotification(vote(1, 5n))));
    expect(await b.events.until(isElectionFrom(1))).toMatchObject({ n: { electionEpoch: 5n } });
    b.t.sendElection(1, vote(2, 6n));
    expect(await back.items.next()).toEqual({ kind: 'message', n: vote(2, 6n) });
  });

  it('dials a larger sid only to hand it our handshake; keeps the newest notification until it dials back', async () => {
    const servers = await addresses(3);
    const peer3 = await rawPeer(servers[2]!.electionPort);
    const b = await transport(2, servers);
    b.t.sendElection(3, vote(2, 1n));
    b.t.sendElection(3, vote(2, 2n));
    const first = await peer3.next();
    expect(await first.items.next()).toEqual({ kind: 'handshake', sid: 2 });
    expect(await first.items.next()).toEqual({ kind: 'closed' });
    const link = await dial(servers[1]!.electionPort);
    link.socket.write(encodeElectionHandshake({ sid: 3, addresses: [`127.0.0.1:${servers[2]!.electionPort}`] }));
    expect(await link.items.next()).toEqual({ kind: 'message', n: vote(2, 2n) });
    b.t.sendElection(3, vote(2, 3n));
    expect(await link.items.next()).toEqual({ kind: 'message', n: vote(2, 3n) });
    // A new link re-sends the last notification when nothing newer is queued.
    link.socket.destroy();
    const again = await dial(servers[1]!.electionPort);
    again.socket.write(encodeElectionHandshake({ sid: 3, addresses: ['127.0.0.1:1'] }));
    expect(await again.items.next()).toEqual({ kind: 'message', n: vote(2, 3n) });
  });

  it('rejects our own sid and unknown sids, and closes only a socket that sends garbage', async () => {
    const servers = await addresses(3);
    const a = await transport(1, servers);
    const c = await transport(3, servers);
    const same = await dial(servers[2]!.electionPort);
    same.socket.write(encodeElectionHandshake({ sid: 3, addresses: ['127.0.0.1:1'] }));
    expect(await same.items.next()).toEqual({ kind: 'closed' });
    const unknown = await dial(servers[2]!.electionPort);
    unknown.socket.write(encodeLegacyHandshake(42));
    expect(await unknown.items.next()).toEqual({ kind: 'closed' });
    const garbage = await dial(servers[2]!.electionPort);
    garbage.socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(await garbage.items.next()).toEqual({ kind: 'closed' });
    // A link up, then garbage framing on it: that link closes, the transport carries on.
    const peer2 = await dial(servers[2]!.electionPort);
    peer2.socket.write(encodeElectionHandshake({ sid: 2, addresses: ['127.0.0.1:1'] }));
    peer2.socket.write(Buffer.from('ffffffff', 'hex'));
    expect(await peer2.items.until((i) => i.kind === 'closed')).toEqual({ kind: 'closed' });
    c.t.sendElection(1, vote(3, 9n));
    expect(await a.events.until(isElectionFrom(3))).toMatchObject({ n: { electionEpoch: 9n } });
  });

  it('delivers a notification to ourselves locally', async () => {
    const servers = await addresses(1);
    const a = await transport(1, servers);
    a.t.sendElection(1, vote(1, 1n));
    expect(await a.events.next()).toEqual({ kind: 'election', from: 1, n: vote(1, 1n) });
  });
});

describe('PeerTransport quorum links', () => {
  const followerInfo = (sid: bigint): QuorumPacket => ({
    type: PacketType.FOLLOWERINFO,
    zxid: 0x100000000n,
    data: Uint8Array.from(encodeLearnerInfo({ serverId: sid, protocolVersion: 0x10000, configVersion: 0n })),
    authinfo: [],
  });

  it('a learner dials, identifies itself, syncs by SNAP and is disconnected', async () => {
    const servers = await addresses(2);
    const leader = await transport(1, servers);
    const learner = await transport(2, servers);
    await leader.t.listenQuorum();
    learner.t.connect(1);
    expect(await learner.events.next()).toEqual({ kind: 'up', peer: 1 });
    learner.t.send(1, followerInfo(2n));
    expect(await leader.events.next()).toEqual({ kind: 'up', peer: 2 });
    expect(await leader.events.next()).toEqual({ kind: 'packet', from: 2, packet: followerInfo(2n) });

    const { tree, sessions } = sampleTree();
    const file = encodeTreeSnapshot(tree, sessions);
    const snap: QuorumPacket = { type: PacketType.SNAP, zxid: tree.lastProcessedZxid, data: null, authinfo: [] };
    const upToDate: QuorumPacket = { type: PacketType.UPTODATE, zxid: -1n, data: null, authinfo: [] };
    leader.t.send(2, snap, file);
    leader.t.send(2, upToDate);
    const got = await learner.events.next();
    expect(got).toMatchObject({ kind: 'packet', from: 1, packet: snap });
    expect(got.kind === 'packet' && got.snapshot !== undefined && Buffer.from(got.snapshot).equals(file)).toBe(true);
    expect(await learner.events.next()).toEqual({ kind: 'packet', from: 1, packet: upToDate });

    leader.t.disconnect(2);
    expect(await learner.events.next()).toEqual({ kind: 'down', peer: 1 });
    expect(leader.t.hasLink(2)).toBe(false);
    await leader.t.close();
    expect(leader.events.all.filter((e) => e.kind === 'down')).toEqual([]);
  });

  it('reports a failed dial as link down', async () => {
    const servers = await addresses(2);
    const learner = await transport(2, servers);
    learner.t.connect(1);
    expect(await learner.events.next()).toEqual({ kind: 'down', peer: 1 });
  });

  it('closes a connection that does not identify itself, or sends garbage, and reports a learner that goes away', async () => {
    const servers = await addresses(3);
    const leader = await transport(1, servers);
    await leader.t.listenQuorum();
    const port = servers[0]!.quorumPort;
    const wrongFirst = await dial(port);
    wrongFirst.socket.write(encodeQuorumRecord({ type: PacketType.ACK, zxid: 0n, data: null, authinfo: [] }));
    expect(await wrongFirst.items.next()).toEqual({ kind: 'closed' });
    const garbage = await dial(port);
    garbage.socket.write(Buffer.from('\u0000\u0000\u0000\u0063 this is not a packet'));
    expect(await garbage.items.next()).toEqual({ kind: 'closed' });
    const stranger = await dial(port);
    stranger.socket.write(encodeQuorumRecord(followerInfo(9n)));
    expect(await stranger.items.next()).toEqual({ kind: 'closed' });

    const learner = await dial(port);
    learner.socket.write(encodeQuorumRecord(followerInfo(3n)));
    expect(await leader.events.next()).toEqual({ kind: 'up', peer: 3 });
    await leader.events.next();
    learner.socket.write(Buffer.from('ffffffff', 'hex'));
    expect(await leader.events.next()).toEqual({ kind: 'down', peer: 3 });
    expect(await learner.items.next()).toEqual({ kind: 'closed' });
    expect(leader.events.all.filter((e) => e.kind === 'up')).toEqual([{ kind: 'up', peer: 3 }]);
  });
});
