/**
 * CPU time and memory of another process, read from Linux's /proc. The parsers are pure (they
 * take the file's text); the readers return undefined where /proc is not available, and the
 * report then prints '-'.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ on every mainstream architecture; used when `getconf CLK_TCK` cannot run. */
const DEFAULT_CLOCK_TICKS_PER_SECOND = 100;

/**
 * utime + stime (fields 14 and 15 of /proc/<pid>/stat) in clock ticks. For a process (its
 * thread-group leader) both include every thread, live or exited: the JVM's compiler and GC
 * threads count. The command name (field 2) is in parentheses and may itself contain spaces
 * and parentheses, so the fields are counted from the last ')'.
 */
export function parseStatCpuTicks(stat: string): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line: no ")"');
  // After ") " come field 3 (state), 4, 5, ...: utime (14) is at index 11, stime (15) at 12.
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error('not a /proc/<pid>/stat line: utime/stime are not integers');
  return utime + stime;
}

/** Resident set size in bytes from /proc/<pid>/status (its `VmRSS:  1234 kB` line); undefined without one. */
export function parseStatusRssBytes(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}

let clockTicks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`), asked once. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      clockTicks = Number.isInteger(n) && n > 0 ? n : DEFAULT_CLOCK_TICKS_PER_SECOND;
    } catch {
      clockTicks = DEFAULT_CLOCK_TICKS_PER_SECOND;
    }
  }
  return clockTicks;
}

/** User + system CPU time of a whole process in milliseconds (tick resolution, 10 ms at 100 Hz); undefined where /proc is not readable. */
export function processCpuMs(pid: number): number | undefined {
  try {
    return (parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / clockTicksPerSecond();
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in bytes; undefined where /proc is not readable. */
export function processRssBytes(pid: number): number | undefined {
  try {
    return parseStatusRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}
