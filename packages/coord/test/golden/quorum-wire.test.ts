import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PacketType, type ElectionNotification, type QuorumPacket } from '../../src/quorum/core/types.js';
import { decodeNotification, ElectionStreamDecoder, encodeElectionHandshake, encodeLegacyHandshake, encodeNotification, frameElectionMessage } from '../../src/quorum/wire/election.js';
import {
  decodeForwardedRequest,
  decodeInt,
  decodeLearnerInfo,
  decodeProposal,
  decodeRevalidateReply,
  decodeRevalidateRequest,
  decodeTouchTable,
  encodeForwardedRequest,
  encodeInt,
  encodeLearnerInfo,
  encodeRevalidateReply,
  encodeRevalidateRequest,
  encodeTouchTable,
  LEARNER_PROTOCOL_VERSION,
} from '../../src/quorum/wire/packets.js';
import { decodeSyncSnapshot, encodeQuorumRecord, fileImageFromSyncSnapshot, QuorumStreamDecoder, syncSnapshotFromFileImage, type QuorumStreamItem } from '../../src/quorum/wire/quorum-stream.js';
import { DataTree } from '../../src/server/data-tree.js';
import { decodeLoggedTxn, encodeLoggedTxn } from '../../src/server/persistence/txn-codec.js';
import { treeOfSnapshot } from '../../src/server/persistence/snapshot-tree.js';

/**
 * Golden bytes from a real 3-node Apache ZooKeeper 3.8 ensemble (quorum/capture.ts): every
 * election message and every learner <-> leader packet is decoded with our codecs and
 * re-encoded to the same bytes; payloads are decoded with their own codecs, too.
 */
const dir = join(dirname(fileURLToPath(import.meta.url)), 'quorum');

interface StreamEntry {
  readonly file: 'election.bin' | 'quorum.bin';
  readonly offset: number;
  readonly length: number;
  readonly kind: 'election' | 'quorum';
  readonly connection: number;
  readonly dialer: number;
  readonly target: number;
  readonly from: number;
  readonly direction: 'fromDialer' | 'fromTarget';
  readonly phase: string;
}

const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { streams: StreamEntry[] };
const files = { 'election.bin': readFileSync(join(dir, 'election.bin')), 'quorum.bin': readFileSync(join(dir, 'quorum.bin')) };
const bytesOf = (s: StreamEntry): Buffer => files[s.file].subarray(s.offset, s.offset + s.length);
const name = (s: StreamEntry): string => `${s.kind} #${s.connection} ${s.direction} (${s.phase})`;
const typeName = (t: number): string => Object.entries(PacketType).find(([, v]) => v === t)?.[0] ?? String(t);

const hex = (b: Uint8Array | null): string => (b === null ? 'null' : Buffer.from(b).toString('hex'));

describe('golden election streams', () => {
  const streams = index.streams.filter((s) => s.kind === 'election');
  const notifications: ElectionNotification[] = [];

  it.each(streams.map((s) => [name(s), s] as const))('%s decodes and re-encodes byte for byte', (_, s) => {
    const bytes = bytesOf(s);
    const d = new ElectionStreamDecoder({ expectHandshake: s.direction === 'fromDialer' });
    const items = d.push(bytes);
    const again: Buffer[] = [];
    for (const item of items) {
      if (item.kind === 'handshake') {
        expect(item.handshake.sid).toBe(s.dialer);
        const h = item.handshake;
        again.push(h.protocolVersion === undefined ? encodeLegacyHandshake(h.sid) : encodeElectionHandshake({ sid: h.sid, addresses: h.addresses, protocolVersion: h.protocolVersion }));
        continue;
      }
      const n = decodeNotification(item.payload);
      expect(encodeNotification(n).toString('hex')).toBe(item.payload.toString('hex'));
      notifications.push(n);
      again.push(frameElectionMessage(item.payload));
    }
    // A peer killed mid-write may leave a partial message at the end; everything before it matches.
    expect(Buffer.concat(again).equals(bytes.subarray(0, bytes.length - d.pendingBytes))).toBe(true);
  });

  it('carries 3.5+ notifications with the sender’s config', () => {
    expect(streams.filter((s) => s.direction === 'fromDialer').length).toBeGreaterThan(0);
    expect(notifications.length).toBeGreaterThan(0);
    for (const n of notifications) {
      expect(n.version).toBe(2);
      expect(n.config).toMatch(/^server\.1=/);
    }
    expect(new Set(notifications.map((n) => n.state))).toContain(0);
  });
});

/** Checks a packet's payload with its own codec; returns a short description. */
function checkPayload(p: QuorumPacket, fromLeader: boolean, learner: number): void {
  const data = p.data;
  switch (p.type) {
    case PacketType.FOLLOWERINFO:
    case PacketType.OBSERVERINFO: {
      const info = decodeLearnerInfo(data);
      expect(info.serverId).toBe(BigInt(learner));
      expect(info.protocolVersion).toBe(LEARNER_PROTOCOL_VERSION);
      expect(hex(encodeLearnerInfo(info))).toBe(hex(data));
      break;
    }
    case PacketType.LEADERINFO:
      expect(decodeInt(data, 'LEADERINFO')).toBe(LEARNER_PROTOCOL_VERSION);
      expect(p.zxid & 0xffffffffn).toBe(0n);
      break;
    case PacketType.ACKEPOCH:
      expect(hex(encodeInt(decodeInt(data, 'ACKEPOCH')))).toBe(hex(data));
      break;
    case PacketType.PROPOSAL:
    case PacketType.INFORM: {
      const entry = decodeProposal(data);
      expect(entry.header.zxid).toBe(p.zxid);
      // Apache appends the txn digest; the logged-txn codec keeps it, so the bytes come back whole.
      expect(hex(encodeLoggedTxn(decodeLoggedTxn(data as Uint8Array)))).toBe(hex(data));
      break;
    }
    case PacketType.REQUEST: {
      const req = decodeForwardedRequest(data);
      expect(hex(encodeForwardedRequest(req))).toBe(hex(data));
      break;
    }
    case PacketType.PING:
      if (!fromLeader) expect(hex(encodeTouchTable(decodeTouchTable(data)))).toBe(hex(data ?? new Uint8Array(0)));
      else expect(data).toBeNull();
      break;
    case PacketType.REVALIDATE:
      if (fromLeader) {
        const r = decodeRevalidateReply(data);
        expect(hex(encodeRevalidateReply(r.sessionId, r.valid))).toBe(hex(data));
      } else expect(hex(encodeRevalidateRequest(decodeRevalidateRequest(data)))).toBe(hex(data));
      break;
    case PacketType.NEWLEADER:
      expect(Buffer.from(data as Uint8Array).toString('utf8')).toMatch(/^server\.1=/);
      break;
    case PacketType.COMMIT:
    case PacketType.UPTODATE:
    case PacketType.DIFF:
    case PacketType.TRUNC:
    case PacketType.SNAP:
      expect(data).toBeNull();
      break;
  }
}

describe('golden learner <-> leader streams', () => {
  const streams = index.streams.filter((s) => s.kind === 'quorum');
  const seen = new Set<string>();
  const snapshots: Array<{ packet: QuorumPacket; inline: Buffer }> = [];

  it.each(streams.map((s) => [name(s), s] as const))('%s decodes and re-encodes byte for byte', (_, s) => {
    const bytes = bytesOf(s);
    const fromLeader = s.direction === 'fromTarget';
    const d = new QuorumStreamDecoder({ from: fromLeader ? 'leader' : 'learner' });
    const items: QuorumStreamItem[] = d.push(bytes);
    const again: Buffer[] = [];
    for (const { packet, snapshot } of items) {
      seen.add(typeName(packet.type));
      checkPayload(packet, fromLeader, s.dialer);
      again.push(encodeQuorumRecord(packet));
      if (snapshot !== undefined) {
        snapshots.push({ packet, inline: snapshot });
        again.push(snapshot);
      }
    }
    expect(items.length).toBeGreaterThan(0);
    if (!fromLeader) expect(items[0]?.packet.type).toBe(PacketType.FOLLOWERINFO);
    expect(Buffer.concat(again).equals(bytes.subarray(0, bytes.length - d.pendingBytes))).toBe(true);
  });

  it('covers discovery, every sync mode and broadcast', () => {
    for (const t of ['FOLLOWERINFO', 'LEADERINFO', 'ACKEPOCH', 'NEWLEADER', 'UPTODATE', 'PROPOSAL', 'ACK', 'COMMIT', 'PING', 'REQUEST']) expect(seen, t).toContain(t);
    // capture.ts drives one sync of each kind: DIFF (old leader back), SNAP (wiped follower), TRUNC.
    for (const t of ['DIFF', 'SNAP', 'TRUNC']) expect(seen, t).toContain(t);
  });

  it('reads the inline snapshot after SNAP as a snapshot file image, and writes it back exactly', () => {
    expect(snapshots.length).toBeGreaterThan(0);
    for (const { packet, inline } of snapshots) {
      const image = decodeSyncSnapshot(inline);
      expect(image.nodes[0]?.path).toBe('');
      const file = fileImageFromSyncSnapshot(inline, packet.zxid);
      expect(syncSnapshotFromFileImage(file).equals(inline)).toBe(true);
      const { tree, sessions } = treeOfSnapshot(file, () => new DataTree(undefined, { extendedTypesEnabled: true }));
      expect(tree.get('/golden')).toBeDefined();
      expect(tree.get('/zookeeper/config')).toBeDefined();
      expect(sessions.size).toBeGreaterThanOrEqual(0);
    }
  });
});
