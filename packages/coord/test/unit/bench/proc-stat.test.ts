import { describe, expect, it } from 'vitest';
import { parseStatCpuTicks, parseStatusRssBytes, processCpuMs, processRssBytes } from '../../../src/cli/bench/proc-stat.js';

// A real /proc/<pid>/stat line of a JVM (fields 14 and 15, utime and stime, are 1234 and 567).
const STAT = '4242 (java) S 1 4242 4242 0 -1 4194560 91234 0 12 0 1234 567 0 0 20 0 45 0 123456 3456789012 81234 18446744073709551615 1 1 0 0 0 0 0 2 16800975 0 0 0 17 1 0 0 0 0 0';

describe('parseStatCpuTicks', () => {
  it('adds utime and stime', () => {
    expect(parseStatCpuTicks(STAT)).toBe(1234 + 567);
  });

  it('counts fields from the last ")", so a command name with spaces and parentheses does not shift them', () => {
    expect(parseStatCpuTicks(STAT.replace('(java)', '(my (odd) name)'))).toBe(1801);
  });

  it('rejects text that is not a stat line', () => {
    expect(() => parseStatCpuTicks('no parenthesis here')).toThrow(/no "\)"/);
    expect(() => parseStatCpuTicks('1 (x) S 1 2')).toThrow(/not integers/);
  });
});

describe('parseStatusRssBytes', () => {
  it('reads VmRSS in kB', () => {
    expect(parseStatusRssBytes('Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   2048 kB\nThreads:\t7\n')).toBe(2048 * 1024);
  });

  it('is undefined without a VmRSS line (e.g. a zombie)', () => {
    expect(parseStatusRssBytes('Name:\tnode\nState:\tZ (zombie)\n')).toBeUndefined();
  });
});

describe('process readers', () => {
  it('read this process on Linux, and give undefined for a process that does not exist', () => {
    if (process.platform === 'linux') {
      expect(processCpuMs(process.pid)).toBeGreaterThanOrEqual(0);
      expect(processRssBytes(process.pid)).toBeGreaterThan(0);
    }
    expect(processCpuMs(-1)).toBeUndefined();
    expect(processRssBytes(-1)).toBeUndefined();
  });
});
