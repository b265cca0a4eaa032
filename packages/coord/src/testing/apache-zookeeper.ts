import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_HINT, locateApacheZooKeeper, locateJava } from './apache-zookeeper-install.js';
import { apacheJvmFlags, apacheLoggingFlags } from './apache-jvm.js';
import { getFreePort } from './free-port.js';
import { fourLetterWord } from './four-letter-word.js';
import { OutputTail } from './output-tail.js';

export { apacheZooKeeperAvailable, locateApacheZooKeeper, locateJava, type ApacheZooKeeperInstall } from './apache-zookeeper-install.js';

/** A standalone Apache ZooKeeper server in a child JVM, with its own temporary data directory. */
export interface ApacheZooKeeper {
  /** `127.0.0.1:<port>`. */
  readonly connectString: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** The JVM's process id (tests use it to check that stop() really ended the process). */
  readonly pid: number;
  /** The last lines the JVM printed (at the configured log level), for failure messages. */
  recentOutput(): string;
  /** SIGTERM, SIGKILL after a short grace, then removes the temporary directory. Idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartApacheZooKeeperOptions {
  /** ZooKeeper's tickTime. Sessions are clamped to [2, 20] ticks, so 500 allows 1 s sessions. */
  readonly tickTimeMs?: number;
  /** More zoo.cfg lines; they override the defaults below. */
  readonly extraConfig?: Readonly<Record<string, string>>;
  /** How long to wait for `ruok`/`srvr` to answer. */
  readonly startTimeoutMs?: number;
  /** Java system properties, for settings ZooKeeper reads only from them (e.g. znode.container.checkIntervalMs). */
  readonly systemProperties?: Readonly<Record<string, string>>;
  /**
   * JVM tuning. 'fast-start' (the default) suits test suites that start many servers; 'throughput'
   * (full JIT, parallel GC, 1 GB heap) is for benchmarks, where the server should not be the bottleneck.
   */
  readonly jvm?: 'fast-start' | 'throughput';
  /** SLF4J level of the server's log (kept in memory, see recentOutput()). */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

const DEFAULT_TICK_TIME_MS = 2_000;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
const POLL_INTERVAL_MS = 100;
const HOST = '127.0.0.1';
/** A port picked free can be taken before the JVM binds it; then we pick again. */
const BIND_ATTEMPTS = 3;

// Every JVM still running and every temporary directory not yet removed, so a test process that
// exits without calling stop() leaks neither. ('exit' handlers must be synchronous: SIGKILL and
// rmSync. A Ctrl-C in a terminal reaches the JVM directly, as it shares our process group.)
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
}

async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  liveDirs.delete(dir);
}

function zooCfg(dataDir: string, port: number, tickTimeMs: number, extra: Readonly<Record<string, string>>): string {
  const entries: Record<string, string> = {
    tickTime: String(tickTimeMs),
    dataDir,
    clientPort: String(port),
    clientPortAddress: HOST,
    '4lw.commands.whitelist': '*',
    'admin.enableServer': 'false',
    // Tests open many connections from one address; the default cap is 60.
    maxClientCnxns: '0',
    // A test oracle need not survive power loss; fsync per write is slow on shared CI disks.
    forceSync: 'no',
    ...extra,
  };
  return Object.entries(entries)
    .map(([key, value]) => {
      if (/[\r\n]/.test(key + value)) throw new Error(`zoo.cfg entry ${key} contains a line break`);
      return `${key}=${value}\n`;
    })
    .join('');
}

interface Launched {
  readonly child: ChildProcess;
  readonly tail: OutputTail;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function launch(java: string, args: string[], cwd: string): Launched {
  const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  liveChildren.add(child);
  const tail = new OutputTail(60);
  child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'error' (e.g. ENOENT for the java binary) is followed by no 'exit'; report it as an exit.
    child.once('error', (err) => {
      tail.push(Buffer.from(`spawn failed: ${err.message}\n`));
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  void exited.then(() => liveChildren.delete(child));
  return { child, tail, exited };
}

/**
 * Polls until ruok says imok and srvr reports a serving server (ruok answers as soon as the socket
 * factory runs; srvr only once the server is serving), or the JVM exits, or the deadline passes.
 */
async function waitReady(port: number, dataDir: string, launched: Launched, deadline: number): Promise<'ready' | 'exited' | 'timeout'> {
  let exited = false;
  void launched.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) return 'exited';
    try {
      if ((await fourLetterWord(HOST, port, 'ruok', 1_000)) === 'imok' && /Mode: /.test(await fourLetterWord(HOST, port, 'srvr', 1_000))) {
        return (await isOurs(port, dataDir)) ? 'ready' : 'exited';
      }
    } catch {
      // not listening yet
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS)), launched.exited]);
  }
  return exited ? 'exited' : 'timeout';
}

/**
 * Whether the server answering on `port` is the one we started: another process may have taken
 * the port between getFreePort() and the JVM's bind (ours then exits with a BindException).
 * `conf` names the data directory; if conf is not whitelisted (extraConfig), trust the port.
 */
async function isOurs(port: number, dataDir: string): Promise<boolean> {
  const conf = await fourLetterWord(HOST, port, 'conf', 1_000);
  return !conf.includes('dataDir=') || conf.includes(`dataDir=${dataDir}`);
}

async function terminate(launched: Launched): Promise<void> {
  const { child, exited } = launched;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
  });
  const first = await Promise.race([exited, graceOver]);
  clearTimeout(timer);
  if (first === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

function describeExit(result: { code: number | null; signal: NodeJS.Signals | null }): string {
  return result.signal !== null ? `killed by ${result.signal}` : `exit code ${String(result.code)}`;
}

/**
 * Starts Apache ZooKeeper (ZooKeeperServerMain, standalone) on a free loopback port and resolves
 * once it serves requests. Throws, with the install hint, if no installation is found; rejects
 * with the exit status and the JVM's last output lines if it fails to start in time.
 */
export async function startApacheZooKeeper(options: StartApacheZooKeeperOptions = {}): Promise<ApacheZooKeeper> {
  const install = locateApacheZooKeeper();
  const java = locateJava();
  if (install === undefined) throw new Error(INSTALL_HINT);
  if (java === undefined) throw new Error('No java binary found (set JAVA_HOME or put java on PATH); Apache ZooKeeper needs a JVM.');
  installExitHook();

  const tickTimeMs = options.tickTimeMs ?? DEFAULT_TICK_TIME_MS;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const deadline = Date.now() + startTimeoutMs;

  for (let attempt = 1; ; attempt++) {
    const tmp = await mkdtemp(join(tmpdir(), 'coordlab-zk-'));
    liveDirs.add(tmp);
    const dataDir = join(tmp, 'data');
    await mkdir(dataDir);
    const port = await getFreePort(HOST);
    const cfgPath = join(tmp, 'zoo.cfg');
    await writeFile(cfgPath, zooCfg(dataDir, port, tickTimeMs, options.extraConfig ?? {}));
    const logging = await apacheLoggingFlags(install, options.logLevel ?? 'warn', tmp);

    const properties = Object.entries(options.systemProperties ?? {}).map(([k, v]) => `-D${k}=${v}`);
    const args = [...apacheJvmFlags(options.jvm), '-Dzookeeper.extendedTypesEnabled=true', ...properties, ...logging, '-cp', install.classpath.join(':'), 'org.apache.zookeeper.server.ZooKeeperServerMain', cfgPath];
    const launched = launch(java, args, tmp);
    const outcome = await waitReady(port, dataDir, launched, deadline);
    if (outcome === 'ready') return handle(launched, port, dataDir, tmp);

    await terminate(launched);
    const status = describeExit(await launched.exited);
    await removeDir(tmp);
    const output = launched.tail.text();
    if (/BindException|Address already in use/.test(output) && attempt < BIND_ATTEMPTS && Date.now() < deadline) continue;
    const why = outcome === 'timeout' ? `did not answer ruok/srvr within ${startTimeoutMs} ms and was stopped` : 'exited during start-up';
    throw new Error(
      `Apache ZooKeeper on ${HOST}:${port} ${why} (${status}; install ${install.home}).\n` +
        `Last output:\n${output === '' ? '(none)' : output}`,
    );
  }
}

function handle(launched: Launched, port: number, dataDir: string, tmp: string): ApacheZooKeeper {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await terminate(launched);
      await removeDir(tmp);
    })();
    return stopping;
  };
  return {
    connectString: `${HOST}:${port}`,
    host: HOST,
    port,
    dataDir,
    pid: launched.child.pid ?? -1,
    recentOutput: () => launched.tail.text(),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
