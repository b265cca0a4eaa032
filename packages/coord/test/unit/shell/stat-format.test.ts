import { describe, expect, it } from 'vitest';
import { formatJavaDate, formatStat, hex64 } from '../../../src/cli/shell/stat-format.js';
import type { Stat } from '../../../src/client/types.js';

describe('hex64', () => {
  it('prints like Long.toHexString: no padding, two\'s complement for negatives', () => {
    expect(hex64(0n)).toBe('0x0');
    expect(hex64(0x1a2bn)).toBe('0x1a2b');
    expect(hex64(0x100000a9c140004n)).toBe('0x100000a9c140004');
    expect(hex64(-1n)).toBe('0xffffffffffffffff');
    // A container's ephemeralOwner is Long.MIN_VALUE.
    expect(hex64(-(2n ** 63n))).toBe('0x8000000000000000');
  });
});

describe('formatJavaDate', () => {
  it('prints java.util.Date#toString in the given zone', () => {
    expect(formatJavaDate(0n, 'UTC')).toBe('Thu Jan 01 00:00:00 UTC 1970');
    expect(formatJavaDate(1_700_000_000_123n, 'UTC')).toBe('Tue Nov 14 22:13:20 UTC 2023');
    expect(formatJavaDate(1_700_000_000_123, 'America/New_York')).toBe('Tue Nov 14 17:13:20 EST 2023');
  });

  it('uses a 24-hour clock with two-digit fields', () => {
    expect(formatJavaDate(Date.UTC(2024, 1, 3, 4, 5, 6), 'UTC')).toBe('Sat Feb 03 04:05:06 UTC 2024');
    expect(formatJavaDate(Date.UTC(2024, 1, 3, 0, 0, 0), 'UTC')).toBe('Sat Feb 03 00:00:00 UTC 2024');
  });
});

describe('formatStat', () => {
  it('prints every field in StatPrinter order', () => {
    const stat: Stat = {
      czxid: 0x15n,
      mzxid: 0x17n,
      ctime: 0n,
      mtime: 1_700_000_000_000n,
      version: 2,
      cversion: 4,
      aversion: 1,
      ephemeralOwner: 0x100000a9c140004n,
      dataLength: 5,
      numChildren: 3,
      pzxid: 0x1an,
    };
    expect(formatStat(stat, 'UTC')).toEqual([
      'cZxid = 0x15',
      'ctime = Thu Jan 01 00:00:00 UTC 1970',
      'mZxid = 0x17',
      'mtime = Tue Nov 14 22:13:20 UTC 2023',
      'pZxid = 0x1a',
      'cversion = 4',
      'dataVersion = 2',
      'aclVersion = 1',
      'ephemeralOwner = 0x100000a9c140004',
      'dataLength = 5',
      'numChildren = 3',
    ]);
  });
});
