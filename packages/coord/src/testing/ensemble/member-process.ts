import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { OutputTail } from '../output-tail.js';

/** The command line of one member, built by a launcher (apache.ts, coord.ts). */
export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

// Every member process still running and every directory not yet removed, so a test process or
// drill that exits without stop() leaks neither ('exit' handlers must be synchronous).
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

export function trackDir(dir: string): void {
  installExitHook();
  liveDirs.add(dir);
}

export function untrackDir(dir: string): void {
  liveDirs.delete(dir);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
}

const NOISE = /Processing (srvr|ruok|mntr|conf|stat|cons|envi) command/;

/** One run of a member's process: started once, ends once (a restart is a new MemberProcess). */
export class MemberProcess {
  readonly exited: Promise<ExitStatus>;
  private readonly child: ChildProcess;
  private readonly tail: OutputTail;
  private ended = false;

  constructor(spec: LaunchSpec, tail: OutputTail, onLine: (line: string) => void) {
    installExitHook();
    this.tail = tail;
    this.child = spawn(spec.command, [...spec.args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: spec.cwd });
    liveChildren.add(this.child);
    let partial = '';
    const take = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        onLine(line);
        // The kit polls srvr every few ms; at INFO each poll is a log line that would push
        // everything useful out of the tail.
        if (!NOISE.test(line)) tail.push(Buffer.from(`${line}\n`));
      }
    };
    this.child.stdout?.on('data', take);
    this.child.stderr?.on('data', take);
    this.exited = new Promise<ExitStatus>((resolve) => {
      // 'error' (ENOENT for the binary, say) is followed by no 'exit'; report it as one.
      this.child.once('error', (err) => {
        tail.push(Buffer.from(`spawn failed: ${err.message}\n`));
        resolve({ code: null, signal: null });
      });
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    void this.exited.then(() => {
      this.ended = true;
      liveChildren.delete(this.child);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.ended && this.child.exitCode === null && this.child.signalCode === null;
  }

  recentOutput(): string {
    return this.tail.text();
  }

  /** SIGKILL (kill -9: no shutdown hook, no flush) and wait for the exit. */
  async kill(): Promise<ExitStatus> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }
}

export function describeExit(status: ExitStatus): string {
  return status.signal !== null ? `killed by ${status.signal}` : `exit code ${String(status.code)}`;
}
