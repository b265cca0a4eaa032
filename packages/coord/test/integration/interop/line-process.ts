/**
 * A child process whose output is collected as lines, with waits that end on a matching line or
 * a deadline (never on a sleep). Each process runs in its own process group, so stopping it also
 * stops what it started (zkCli.sh is a shell script that runs a JVM as its child); only groups this
 * module created are ever signalled, by their id.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LineProcessOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /**
   * Send stderr into the same pipe as stdout (through `sh -c 'exec ... 2>&1'`), so lines the
   * program writes to either stream keep their relative order.
   */
  readonly mergeStderr?: boolean;
}

const live = new Set<LineProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test process that dies without its afterAll must not leave JVMs behind.
  process.on('exit', () => {
    for (const p of live) p.kill();
  });
}

export class LineProcess {
  /** Every line, from both streams, in the order they were read. */
  readonly lines: string[] = [];
  /** The same lines split by the stream they came from. */
  readonly byStream: { readonly stdout: string[]; readonly stderr: string[] } = { stdout: [], stderr: [] };
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private readonly partial = { stdout: '', stderr: '' };
  private readonly waiters = new Set<() => unknown>();
  private exit: ProcessExit | undefined;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    options: LineProcessOptions = {},
  ) {
    installExitHook();
    const [file, argv] = options.mergeStderr === true ? ['/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', command, ...args]] : [command, [...args]];
    this.child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: options.env ?? process.env, cwd: options.cwd });
    live.add(this);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.push('stdout', chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.push('stderr', chunk));
    // A closed stdin (the program exited) must not become an unhandled 'error'.
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise<ProcessExit>((resolve) => {
      this.child.once('error', (err) => {
        this.lines.push(`[spawn failed: ${err.message}]`);
        this.finish({ code: null, signal: null }, resolve);
      });
      this.child.once('close', (code, signal) => this.finish({ code, signal }, resolve));
    });
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  write(text: string): void {
    this.child.stdin?.write(text);
  }

  end(): void {
    this.child.stdin?.end();
  }

  /** The whole output so far, for failure messages. */
  text(): string {
    return [...this.lines, this.partial.stdout, this.partial.stderr].filter((l) => l !== '').join('\n');
  }

  /**
   * Resolves with the probe's first non-undefined answer, re-asked after every new line. Rejects
   * with the output so far when the deadline passes or the process exits without a match.
   */
  waitFor<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}\n--- output ---\n${this.text()}`));
      }, timeoutMs);
      const done = (): void => {
        this.waiters.delete(check);
        clearTimeout(timer);
      };
      const check = (): boolean => {
        const answer = probe();
        if (answer !== undefined) {
          done();
          resolve(answer);
          return true;
        }
        if (this.exit !== undefined) {
          done();
          reject(new Error(`${this.name} exited (${describe(this.exit)}) before ${what}\n--- output ---\n${this.text()}`));
          return true;
        }
        return false;
      };
      if (!check()) this.waiters.add(check);
    });
  }

  /** Waits for the process to end by itself; kills it and rejects after the deadline. */
  async waitForExit(timeoutMs: number): Promise<ProcessExit> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.exited, deadline]);
    clearTimeout(timer);
    if (outcome !== 'timeout') return outcome;
    this.kill();
    await this.exited;
    throw new Error(`${this.name} did not exit within ${timeoutMs} ms and was killed\n--- output ---\n${this.text()}`);
  }

  /** SIGKILL to the process group this object started. Idempotent. */
  kill(): void {
    const pid = this.child.pid;
    if (this.exit !== undefined || pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  }

  private push(stream: 'stdout' | 'stderr', chunk: string): void {
    const parts = (this.partial[stream] + chunk).split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const raw of parts) this.add(stream, raw.replace(/\r$/, ''));
    if (parts.length > 0) for (const waiter of [...this.waiters]) waiter();
  }

  private add(stream: 'stdout' | 'stderr', line: string): void {
    this.lines.push(line);
    this.byStream[stream].push(line);
  }

  private finish(exit: ProcessExit, resolve: (exit: ProcessExit) => void): void {
    if (this.exit !== undefined) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') this.add(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
    this.exit = exit;
    live.delete(this);
    resolve(exit);
    for (const waiter of [...this.waiters]) waiter();
  }
}

function describe(exit: ProcessExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}

/** Kills every process this module started that is still running, and waits for them. */
export async function killAllProcesses(): Promise<void> {
  const running = [...live];
  for (const p of running) p.kill();
  await Promise.all(running.map((p) => p.exited));
}

/** Runs a command to completion; rejects with its output if it fails or outlives the deadline. */
export async function runToCompletion(name: string, command: string, args: readonly string[], timeoutMs: number, options: LineProcessOptions = {}): Promise<string[]> {
  const p = new LineProcess(name, command, args, options);
  p.end();
  const exit = await p.waitForExit(timeoutMs);
  if (exit.code !== 0) throw new Error(`${name} failed (${describe(exit)})\n--- output ---\n${p.text()}`);
  return p.lines;
}
