/**
 * The pure parts behind the ensemble kit and the drills, without processes: zoo.cfg lines, srvr
 * parsing, the election initial-message rewrite of the proxy mesh, sync-line recognition and
 * option parsing. (They live with the ensemble tests because that is where they are used.)
 */
import { describe, expect, it } from 'vitest';
import { BenchOptionError } from '../../src/cli/bench/options.js';
import { parseLeaderKillOptions, parsePartitionOptions } from '../../src/cli/drill/options.js';
import { medianRatios } from '../../src/cli/drill/leader-kill-report.js';
import { partitionChecks, type PartitionResult } from '../../src/cli/drill/partition-report.js';
import { initialMessageRewriter } from '../../src/testing/ensemble/peer-relay.js';
import { parseSyncLine } from '../../src/testing/ensemble/sync-lines.js';
import { memberZooCfg, parseSrvrEpoch, parseSrvrMode, serverLine } from '../../src/testing/ensemble/zoo-cfg.js';

function initialMessage(version: bigint, sid: bigint, address: string): Buffer {
  const head = Buffer.alloc(20);
  head.writeBigInt64BE(version, 0);
  head.writeBigInt64BE(sid, 8);
  head.writeInt32BE(Buffer.byteLength(address), 16);
  return Buffer.concat([head, Buffer.from(address)]);
}

describe('zoo.cfg of a member', () => {
  it('writes ZooKeeper 3.5+ server lines, observers with :observer and peerType', () => {
    expect(serverLine({ id: 4, role: 'observer', host: '127.0.0.1', quorumPort: 1, electionPort: 2, clientPort: 3 })).toBe('127.0.0.1:1:2:observer;127.0.0.1:3');
    const cfg = memberZooCfg({
      myid: 4,
      role: 'observer',
      dataDir: '/d',
      clientPort: 3,
      tickTimeMs: 500,
      initLimit: 10,
      syncLimit: 4,
      forceSync: true,
      servers: [
        { id: 1, role: 'participant', host: '127.0.0.1', quorumPort: 11, electionPort: 12, clientPort: 13 },
        { id: 4, role: 'observer', host: '127.0.0.1', quorumPort: 1, electionPort: 2, clientPort: 3 },
      ],
      extra: { snapCount: '100' },
    });
    expect(cfg).toContain('tickTime=500\ninitLimit=10\nsyncLimit=4\n');
    expect(cfg).toContain('forceSync=yes\n');
    expect(cfg).toContain('peerType=observer\n');
    expect(cfg).toContain('4lw.commands.whitelist=*\n');
    expect(cfg).toContain('server.1=127.0.0.1:11:12;127.0.0.1:13\nserver.4=127.0.0.1:1:2:observer;127.0.0.1:3\n');
    expect(cfg).toContain('snapCount=100\n');
  });

  it('reads the mode and the epoch out of srvr', () => {
    const srvr = 'Zookeeper version: 3.8.0\nLatency min/avg/max: 0/0.0/0\nZxid: 0x300000002\nMode: follower\nNode count: 5\n';
    expect(parseSrvrMode(srvr)).toBe('follower');
    expect(parseSrvrEpoch(srvr)).toBe(3);
    expect(parseSrvrMode('This ZooKeeper instance is not currently serving requests\n')).toBeUndefined();
  });
});

describe('election initial-message rewrite', () => {
  it('replaces the address, even when the header arrives a byte at a time, and passes the rest through', () => {
    const rewrite = initialMessageRewriter('127.0.0.1:40001');
    const original = Buffer.concat([initialMessage(-65535n, 2n, '127.0.0.1:3888'), Buffer.from([0, 0, 0, 4, 9, 9, 9, 9])]);
    const out = Buffer.concat([...original].map((byte) => rewrite(Buffer.from([byte]))));
    expect(out).toEqual(Buffer.concat([initialMessage(-65535n, 2n, '127.0.0.1:40001'), Buffer.from([0, 0, 0, 4, 9, 9, 9, 9])]));
    expect(rewrite(Buffer.from([1, 2, 3]))).toEqual(Buffer.from([1, 2, 3]));
  });

  it('passes the oldest protocol (a bare sid) through unchanged', () => {
    const rewrite = initialMessageRewriter('127.0.0.1:40001');
    const bare = Buffer.alloc(8);
    bare.writeBigInt64BE(3n);
    expect(rewrite(bare)).toEqual(bare);
  });
});

describe('sync lines', () => {
  it('recognises Apache ZooKeeper learner and leader lines and coord JSON lines', () => {
    expect(parseSyncLine('12:00:00.000 [QuorumPeer] INFO org.apache.zookeeper.server.quorum.Learner - Getting a diff from the leader 0x200000003')).toEqual({ mode: 'DIFF', side: 'learner' });
    expect(parseSyncLine('... Learner - Truncating log to get in sync with the leader 0x200000003')).toEqual({ mode: 'TRUNC', side: 'learner' });
    expect(parseSyncLine('... LearnerHandler - Sending snapshot last zxid of peer is 0x0')).toEqual({ mode: 'SNAP', side: 'leader' });
    expect(parseSyncLine('... LearnerHandler - Sending DIFF zxid=0x200000004  for peer sid: 3')).toEqual({ mode: 'DIFF', side: 'leader', learner: 3 });
    expect(parseSyncLine('{"level":30,"msg":"[peer 2] sync 1: DIFF of 0 txns (learner at 0x0)"}')).toEqual({ mode: 'DIFF', side: 'leader', learner: 1 });
    expect(parseSyncLine('{"level":30,"msg":"sending DIFF to learner 3"}')).toEqual({ mode: 'DIFF', side: 'leader' });
    expect(parseSyncLine('an unrelated DIFF mention')).toBeUndefined();
  });
});

describe('drill options', () => {
  it('defaults and parses leader-kill', () => {
    expect(parseLeaderKillOptions({})).toEqual({ targets: ['apache', 'coord'], kills: 20, writers: 4, tickTimeMs: 2000, jsonPath: undefined });
    expect(parseLeaderKillOptions({ target: 'apache', kills: '2' }).targets).toEqual(['apache']);
    expect(() => parseLeaderKillOptions({ kills: '0' })).toThrow(BenchOptionError);
    expect(() => parseLeaderKillOptions({ target: 'etcd' })).toThrow(/--target/);
  });

  it('defaults and parses partition (no "both")', () => {
    expect(parsePartitionOptions({})).toMatchObject({ target: 'coord', tickTimeMs: 1000, syncLimit: 2 });
    expect(() => parsePartitionOptions({ target: 'both' })).toThrow(/--target/);
  });
});

describe('drill reports', () => {
  it('ratios of medians are Apache ÷ coord', () => {
    const sample = (ms: number) => ({ index: 1, leader: 1, pid: 1, newLeader: 2, electedMs: ms, firstWriteMs: ms * 2, rejoinMs: 1, ackedSoFar: 1 });
    const result = (target: 'coord' | 'apache', ms: number[]) => ({ target, how: '', samples: ms.map(sample), acked: 0, failed: 0, errors: {} });
    const r = medianRatios([result('coord', [100, 200, 300]), result('apache', [400, 400, 400])]);
    expect(r.elected).toBe(2);
    expect(r.firstWrite).toBe(2);
  });

  it('a partition run fails on a write acknowledged by the cut-off leader', () => {
    const base: PartitionResult = { target: 'coord', how: '', boundMs: 3000, electedMs: 2000, firstWriteMs: 2100, steppedDownMs: 2000, rejoinMs: 500, rejoined: true, acked: 10, failed: 0, errors: {}, pinnedAcked: 0, pinnedFailed: 3, pinnedErrors: {}, verify: { members: [], lost: 0, examples: [] } };
    expect(partitionChecks(base).every((c) => c.pass)).toBe(true);
    expect(partitionChecks({ ...base, pinnedAcked: 1 }).some((c) => !c.pass)).toBe(true);
    expect(partitionChecks({ ...base, electedMs: 3001 }).some((c) => !c.pass)).toBe(true);
  });
});
