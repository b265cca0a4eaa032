import { describe, expect, it } from 'vitest';
import { runFourLetterCommand } from '../../../src/server/admin/four-letter.js';
import { ServerStats } from '../../../src/server/admin/server-stats.js';
import { fakeSource } from './fake-source.js';

// Expected texts are Apache ZooKeeper 3.8.0's output for the same state (captured from the
// Debian package), with only the version string and the values of our fake source swapped in.
describe('four-letter word formatting', () => {
  const stats = new ServerStats();
  for (const ms of [0, 7, 1, 2, 2, 1, 2]) stats.requestDone('read', ms);
  const source = fakeSource({ stats });

  it('srvr and stat', () => {
    const body = 'Latency min/avg/max: 0/2.1429/7\nReceived: 11\nSent: 10\nConnections: 2\nOutstanding: 0\nZxid: 0x3\nMode: standalone\nNode count: 7\n';
    const version = 'Zookeeper version: 3.8.0-coordlab, built on 1970-01-01 00:00 UTC\n';
    expect(runFourLetterCommand(source, 'srvr')).toBe(version + body);
    expect(runFourLetterCommand(source, 'stat')).toBe(
      `${version}Clients:\n /127.0.0.1:56724[1](queued=0,recved=7,sent=7)\n /127.0.0.1:56782[1](queued=0,recved=1,sent=0)\n\n${body}`,
    );
  });

  it('cons', () => {
    expect(runFourLetterCommand(source, 'cons')).toBe(
      ' /127.0.0.1:56724[1](queued=0,recved=7,sent=7,sid=0x1000031a2c40000,lop=GETD,est=1795739773298,to=30000,lcxid=0x6,lzxid=0x3,lresp=3259423,llat=0,minlat=0,avglat=0,maxlat=0)\n' +
        ' /127.0.0.1:56782[1](queued=0,recved=1,sent=0)\n\n',
    );
  });

  it('watches', () => {
    expect(runFourLetterCommand(source, 'wchs')).toBe('1 connections watching 3 paths\nTotal watches:3\n');
    expect(runFourLetterCommand(source, 'wchc')).toBe('0x1000031a2c40000\n\t/a\n\t/missing\n\t/a/e\n\n');
    expect(runFourLetterCommand(source, 'wchp')).toBe('/a\n\t0x1000031a2c40000\n/missing\n\t0x1000031a2c40000\n/a/e\n\t0x1000031a2c40000\n\n');
  });

  it('dump', () => {
    expect(runFourLetterCommand(source, 'dump')).toBe(
      'SessionTracker dump:\nSession Sets (1)/(1):\n1 expire at Fri Nov 27 00:36:43 UTC 2026:\n\t0x1000031a2c40000\n' +
        'ephemeral nodes dump:\nSessions with Ephemerals (1):\n0x1000031a2c40000:\n\t/a/e\n' +
        'Connections dump:\nConnections Sets (2)/(2):\n1 expire at Fri Nov 27 00:36:23 UTC 2026:\n\tip: /127.0.0.1:56782 sessionId: 0x0\n' +
        '1 expire at Fri Nov 27 00:36:43 UTC 2026:\n\tip: /127.0.0.1:56724 sessionId: 0x1000031a2c40000\n',
    );
  });

  it('conf, dirs, envi, ruok, isro, gtmk, hash', () => {
    expect(runFourLetterCommand(source, 'conf')).toBe(
      'clientPort=2181\nsecureClientPort=-1\ndataDir=/data/version-2\ndataDirSize=67109337\ndataLogDir=/data/version-2\ndataLogSize=67109337\n' +
        'tickTime=2000\nmaxClientCnxns=60\nminSessionTimeout=4000\nmaxSessionTimeout=40000\nclientPortListenBacklog=-1\nserverId=0\n',
    );
    expect(runFourLetterCommand(source, 'dirs')).toBe('datadir_size: 67109337\nlogdir_size: 67109337\n');
    const envi = runFourLetterCommand(source, 'envi').split('\n');
    expect(envi[0]).toBe('Environment:');
    expect(envi.slice(1, -1).map((l) => l.split('=')[0])).toEqual([
      'zookeeper.version', 'host.name', 'java.version', 'java.vendor', 'java.home', 'java.class.path', 'java.library.path', 'java.io.tmpdir',
      'java.compiler', 'os.name', 'os.arch', 'os.version', 'user.name', 'user.home', 'user.dir', 'os.memory.free', 'os.memory.max', 'os.memory.total',
    ]);
    expect(runFourLetterCommand(source, 'ruok')).toBe('imok');
    expect(runFourLetterCommand(source, 'isro')).toBe('rw');
    expect(runFourLetterCommand(source, 'gtmk')).toBe('306');
    expect(runFourLetterCommand(source, 'hash')).toBe('');
  });

  it('mntr: ZooKeeper keys, tab-separated, the server gauges first in ZooKeeper order', () => {
    const lines = runFourLetterCommand(source, 'mntr').split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(line).toMatch(/^zk_[a-z0-9_]+\t\S.*$/);
    expect(lines.slice(0, 6)).toEqual([
      'zk_version\t3.8.0-coordlab, built on 1970-01-01 00:00 UTC',
      'zk_server_state\tstandalone',
      'zk_ephemerals_count\t1',
      'zk_num_alive_connections\t2',
      'zk_avg_latency\t2.1429',
      'zk_outstanding_requests\t0',
    ]);
    expect(lines).toContain('zk_cnt_readlatency\t7');
    expect(lines).toContain('zk_p999_readlatency\t7');
    expect(lines).toContain('zk_avg_fsynctime\t0.0');
  });

  it('srst and crst reset and say so', () => {
    const local = new ServerStats();
    local.requestDone('update', 9);
    const s = fakeSource({ stats: local });
    expect(runFourLetterCommand(s, 'srst')).toBe('Server stats reset.\n');
    expect(local.requestLatency.snapshot().count).toBe(0);
    expect(runFourLetterCommand(s, 'crst')).toBe('Connection stats reset.\n');
  });
});
