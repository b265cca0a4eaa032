/** ZooKeeper's file names and which logs a recovery (or a purge) needs. */
import { describe, expect, it } from 'vitest';
import { fileName, logsAfter, sortedByZxid, zxidOfName } from '../../../src/server/persistence/file-names.js';

describe('file names', () => {
  it('writes and reads the zxid in lower-case hex without padding', () => {
    expect(fileName('log', 0x1_0000_002an)).toBe('log.10000002a');
    expect(fileName('snapshot', 0n)).toBe('snapshot.0');
    expect(zxidOfName('snapshot.10000002a', 'snapshot')).toBe(0x1_0000_002an);
    expect(zxidOfName('log.10000002a', 'snapshot')).toBeUndefined();
    expect(zxidOfName('snapshot.1a.gz', 'snapshot')).toBeUndefined();
    expect(zxidOfName('tmp.snapshot.1a', 'snapshot')).toBeUndefined();
  });

  it('sorts by zxid, not by name', () => {
    expect(sortedByZxid(['log.a', 'log.9', 'snapshot.1', 'log.10'], 'log').map((l) => l.name)).toEqual(['log.9', 'log.a', 'log.10']);
  });

  it('a snapshot needs the newest log starting at or before it, and every later log', () => {
    const logs = sortedByZxid(['log.1', 'log.8', 'log.20'], 'log');
    expect(logsAfter(logs, 6n).map((l) => l.name)).toEqual(['log.1', 'log.8', 'log.20']);
    expect(logsAfter(logs, 8n).map((l) => l.name)).toEqual(['log.8', 'log.20']);
    expect(logsAfter(logs, 0x1fn).map((l) => l.name)).toEqual(['log.8', 'log.20']);
    expect(logsAfter(logs, 0x40n).map((l) => l.name)).toEqual(['log.20']);
  });
});
