import { describe, expect, it } from 'vitest';
import { OpCode } from '../../../src/jute/opcodes.js';
import { coreStatsSource } from '../../../src/server/admin/core-source.js';
import { lastOperationName, requestKind } from '../../../src/server/admin/request-kinds.js';
import { runFourLetterCommand } from '../../../src/server/admin/four-letter.js';
import { ConnectionRecorder, ServerStats } from '../../../src/server/admin/server-stats.js';
import { ServerCore } from '../../../src/server/zk-server.js';
import { ManualClock } from '../../../src/util/clock.js';

function core(): ServerCore {
  return new ServerCore({
    serverId: 1,
    tickTimeMs: 2000,
    minSessionTimeoutMs: 4000,
    maxSessionTimeoutMs: 40000,
    extendedTypesEnabled: true,
    superDigest: undefined,
    clock: new ManualClock(0),
    maxReplyBytes: 0xfffff,
  });
}

describe('coreStatsSource', () => {
  it('reads the tree and sessions of a ServerCore, and zeros for what is not wired', () => {
    const c = core();
    const id = c.sessions.create(30_000, 0);
    const source = coreStatsSource({ core: c, startedAtMs: 0, nowMs: () => 1500, connectionStates: () => [{ id: 1, sessionId: id, queuedRequests: 2, pausedForSlowReader: true }] });
    expect(source.nodeCount()).toBe(c.tree.nodeCount);
    expect(source.uptimeMs()).toBe(1500);
    expect(source.sessions()).toEqual([{ id, timeoutMs: 30_000, expiresAtMs: 30_000 + 2000 - (30_000 % 2000) }]);
    expect(source.outstandingRequests()).toBe(2);
    const [conn] = source.connections();
    expect(conn).toMatchObject({ sessionId: id, interestOps: 0, sessionTimeoutMs: 30_000, lastOperation: 'NA', lastCxid: -1, packetsReceived: 0 });
    expect(source.clientResponseSizes()).toEqual({ last: -1, min: -1, max: -1 });
  });

  it('shows wired counters: per-connection recorders, server stats, and resets them', () => {
    const c = core();
    const stats = new ServerStats();
    const recorder = new ConnectionRecorder(1234);
    const source = coreStatsSource({
      core: c,
      startedAtMs: 0,
      nowMs: () => 0,
      stats,
      connectionStates: () => [{ id: 7, sessionId: 0x10n, queuedRequests: 0, pausedForSlowReader: false, remoteAddress: '10.0.0.1', remotePort: 4000 }],
      connectionStats: (cid) => (cid === 7 ? recorder : undefined),
    });
    recorder.packetsReceived = 3;
    recorder.packetsSent = 3;
    recorder.responded('GETD', 5, 9n, 4, 99);
    stats.requestDone('read', 4);
    stats.responseSent(120);
    stats.increment('connection_rejected');
    expect(runFourLetterCommand(source, 'cons')).toBe(
      ' /10.0.0.1:4000[1](queued=0,recved=3,sent=3,sid=0x10,lop=GETD,est=1234,to=0,lcxid=0x5,lzxid=0x9,lresp=99,llat=4,minlat=4,avglat=4,maxlat=4)\n\n',
    );
    expect(runFourLetterCommand(source, 'mntr')).toContain('zk_connection_rejected\t1\n');
    expect(runFourLetterCommand(source, 'mntr')).toContain('zk_last_client_response_size\t120\n');
    expect(runFourLetterCommand(source, 'srvr')).toContain('Latency min/avg/max: 4/4.0/4\n');
    c.counters.packetsReceived = 5;
    runFourLetterCommand(source, 'srst');
    runFourLetterCommand(source, 'crst');
    expect(c.counters.packetsReceived).toBe(0);
    expect(stats.requestLatency.snapshot().count).toBe(0);
    expect(recorder).toMatchObject({ packetsReceived: 0, lastOperation: 'NA', lastCxid: -1 });
  });
});

describe('request kinds', () => {
  it("names operations as FinalRequestProcessor and sorts them into ZooKeeper's latency series", () => {
    expect(lastOperationName(OpCode.getData)).toBe('GETD');
    expect(lastOperationName(OpCode.getChildren2)).toBe('GETC');
    expect(lastOperationName(OpCode.setACL)).toBe('SETA');
    expect(lastOperationName(9999)).toBe('NA');
    expect(requestKind(OpCode.setData)).toBe('update');
    expect(requestKind(OpCode.exists)).toBe('read');
    expect(requestKind(OpCode.ping)).toBe('other');
  });
});
