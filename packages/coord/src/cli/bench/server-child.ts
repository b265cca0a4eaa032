/**
 * Starts the coord server in a child Node process (server-process.ts), so that it runs on its
 * own event loop and can use its own core, as the JVM of Apache ZooKeeper does, instead of
 * sharing the bench's event loop with the clients that load it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A coord server running in a child process. */
export interface CoordServerProcess {
  readonly connectString: string;
  readonly port: number;
  readonly pid: number;
  /** The last lines the child wrote on stderr. */
  recentOutput(): string;
  /** SIGTERM, then SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

/** How the child runs its server: in memory, or persisting to a dataDir. */
export interface RunnerConfig {
  /** ZooKeeper's dataDir; undefined for an in-memory server. */
  readonly dataDir?: string | undefined;
  /** fsync each group commit before acknowledging (forceSync=yes); only with a dataDir. */
  readonly forceSync?: boolean | undefined;
  /** Txns between snapshots (ZooKeeper's snapCount); undefined for the server's default. */
  readonly snapCount?: number | undefined;
}

export interface SpawnCoordServerOptions extends RunnerConfig {
  /** Directory for a `--cpu-prof` profile of the server process; undefined for none. */
  readonly cpuProfDir?: string | undefined;
  readonly startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;
const HOST = '127.0.0.1';
const TAIL_LINES = 20;

/**
 * The Node arguments that run the runner module next to `moduleUrl` (this module's URL): the
 * built `server-process.js` when the bench runs from dist, or `server-process.ts` through the
 * tsx loader when it runs from source (tests, `tsx`).
 */
export function runnerArgs(moduleUrl: string, cpuProfDir: string | undefined, config: RunnerConfig = {}): string[] {
  const fromSource = moduleUrl.endsWith('.ts');
  const runner = fileURLToPath(new URL(fromSource ? './server-process.ts' : './server-process.js', moduleUrl));
  const profile = cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfDir];
  return [...profile, ...(fromSource ? ['--import', 'tsx'] : []), runner, ...runnerConfigArgs(config)];
}

/** The runner's own arguments for `config` (after the runner's file name). */
export function runnerConfigArgs(config: RunnerConfig): string[] {
  const args: string[] = [];
  if (config.dataDir !== undefined) args.push('--data-dir', config.dataDir);
  if (config.forceSync !== undefined) args.push('--force-sync', config.forceSync ? 'yes' : 'no');
  if (config.snapCount !== undefined) args.push('--snap-count', String(config.snapCount));
  return args;
}

/** The inverse of runnerConfigArgs; throws on anything else, so a typo cannot silently run in memory. */
export function parseRunnerConfig(args: readonly string[]): RunnerConfig {
  let dataDir: string | undefined;
  let forceSync: boolean | undefined;
  let snapCount: number | undefined;
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i];
    const value = args[i + 1];
    if (value === undefined) throw new Error(`server-process: ${String(flag)} needs a value`);
    switch (flag) {
      case '--data-dir':
        if (value === '') throw new Error('server-process: --data-dir needs a directory');
        dataDir = value;
        break;
      case '--force-sync':
        if (value !== 'yes' && value !== 'no') throw new Error(`server-process: --force-sync must be yes or no, not ${value}`);
        forceSync = value === 'yes';
        break;
      case '--snap-count': {
        const n = Number(value);
        if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 2) throw new Error(`server-process: --snap-count must be an integer >= 2, not ${value}`);
        snapCount = n;
        break;
      }
      default:
        throw new Error(`server-process: unknown argument ${String(flag)}`);
    }
  }
  if (dataDir === undefined && (forceSync !== undefined || snapCount !== undefined)) throw new Error('server-process: --force-sync and --snap-count need --data-dir');
  return { dataDir, forceSync, snapCount };
}

/** The runner's ready line, or undefined when `line` is something else. */
export function parseReadyLine(line: string): { port: number; pid: number } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const { event, port, pid } = record;
  if (event !== 'ready' || typeof port !== 'number' || typeof pid !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65_535) return undefined;
  return { port, pid };
}

// Children still running when this process exits are killed ('exit' handlers must be synchronous).
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export async function spawnCoordServer(options: SpawnCoordServerOptions = {}): Promise<CoordServerProcess> {
  installExitHook();
  const child = spawn(process.execPath, runnerArgs(import.meta.url, options.cpuProfDir, options), { stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  const tail: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    tail.push(...chunk.split('\n').filter((l) => l !== ''));
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`spawn failed: ${err.message}`));
    child.once('exit', (code, signal) => resolve(signal === null ? `exit code ${String(code)}` : `killed by ${signal}`));
  });
  void exited.then(() => live.delete(child));
  const recentOutput = () => tail.join('\n');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
      });
      const first = await Promise.race([exited, grace]);
      clearTimeout(timer);
      if (first === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    })();
    return stopping;
  };

  const ready = new Promise<{ port: number; pid: number }>((resolve, reject) => {
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const parsed = parseReadyLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (parsed !== undefined) resolve(parsed);
      }
    });
    void exited.then((status) => reject(new Error(`coord server process ended before it was ready (${status})`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`coord server process did not report ready within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const { port } = await Promise.race([ready, timeout]);
    return { connectString: `${HOST}:${port}`, port, pid: child.pid ?? -1, recentOutput, stop };
  } catch (err) {
    await stop();
    const output = recentOutput();
    throw new Error(`${err instanceof Error ? err.message : String(err)}${output === '' ? '' : `\nLast output:\n${output}`}`);
  } finally {
    clearTimeout(timer);
  }
}
