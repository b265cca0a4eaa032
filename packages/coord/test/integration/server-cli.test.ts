/**
 * `coord server` end to end: the real CLI (`node --import tsx src/cli/main.ts server`) as a child
 * process configured by a temp zoo.cfg, driven by coord's client, stopped by signals. Readiness
 * is the "listening" log line, never a sleep; every child is killed after each test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { KEYS } from '../../src/config/index.js';
import { getFreePort } from '../../src/testing/index.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = 'packages/coord/src/cli/main.ts';
const WAIT_MS = 30_000;

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** One `coord server` child with its stdout parsed as pino JSON lines as they arrive. */
class ServerProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.append('stdout', chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.append('stderr', chunk));
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  }

  get logs(): LogLine[] {
    return this.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
  }

  /** Resolves with the first log line whose message matches; rejects with all output after WAIT_MS. */
  waitForLog(pattern: RegExp): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.logs.find((l) => pattern.test(l.msg));
        if (line === undefined) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(line);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for a log line ${pattern}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`));
      }, WAIT_MS);
      if (!check()) this.waiters.add(check);
    });
  }

  private append(stream: 'stdout' | 'stderr', chunk: string): void {
    this[stream] += chunk;
    for (const waiter of [...this.waiters]) waiter();
  }
}

const started = new Set<ServerProcess>();
let dir: string;

/**
 * Runs `coord server`. ZooKeeper's AdminServer is on by default at port 8080, which parallel
 * test runs would fight over: it is off here unless a test passes its own admin flags.
 */
function coordServer(args: string[]): ServerProcess {
  const admin = args.some((a) => a.startsWith('--admin-')) || args.includes('--help') ? [] : ['--admin-enable-server', 'false'];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'server', ...args, ...admin], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = new ServerProcess(child);
  started.add(proc);
  return proc;
}

function writeConfig(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Sends a four-letter word over a raw socket and returns the whole answer. */
function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(word));
    let answer = '';
    socket.setEncoding('utf8').on('data', (d: string) => (answer += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'coord-server-cli-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const proc of started) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
  }
  started.clear();
});

describe('coord server', () => {
  it('serves a zoo.cfg on its clientPort, then stops cleanly on SIGTERM', async () => {
    const port = await getFreePort();
    const cfg = writeConfig('zoo.cfg', [
      '# a standalone server',
      'tickTime=500',
      `dataDir=${join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'noSuchKey=1',
      '4lw.commands.whitelist=ruok,srvr',
    ]);
    const server = coordServer([cfg]);
    const listening = await server.waitForLog(/^coord server listening on /);
    expect(listening.msg).toBe(`coord server listening on 127.0.0.1:${port}`);
    expect(listening).toMatchObject({ level: 30, host: '127.0.0.1', port });

    const warnings = server.logs.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings).toContain(`${cfg}:6: noSuchKey: unknown key; ignored (check the spelling: keys are case-sensitive)`);

    const client = createClient(`127.0.0.1:${port}`, { sessionTimeoutMs: 60_000 });
    try {
      await client.waitForConnected({ timeoutMs: WAIT_MS });
      // The config's tickTime reaches the server: maxSessionTimeout defaults to 20 ticks of 500 ms.
      expect(client.negotiatedTimeoutMs).toBe(10_000);
      expect(await client.create('/from-cli', new TextEncoder().encode('hello'))).toBe('/from-cli');
      const { data } = await client.getData('/from-cli');
      expect(new TextDecoder().decode(data)).toBe('hello');
    } finally {
      await client.close();
    }
    expect(await fourLetterWord(port, 'ruok')).toBe('imok');

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const messages = server.logs.map((l) => l.msg);
    expect(messages.slice(-2)).toEqual(['received SIGTERM; stopping', 'coord server stopped']);
    expect(server.logs.filter((l) => l.level >= 50)).toEqual([]);
    expect(server.stderr).toBe('');

    // The dataDir keeps the tree: a second server on the same config serves what the first wrote.
    const again = coordServer([cfg]);
    await again.waitForLog(/^coord server listening on /);
    const reader = createClient(`127.0.0.1:${port}`);
    try {
      const { data } = await reader.getData('/from-cli');
      expect(new TextDecoder().decode(data)).toBe('hello');
    } finally {
      await reader.close();
    }
    again.child.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });

  it('runs from flags alone (--in-memory, --port 0) and stops on SIGINT', async () => {
    const server = coordServer(['--in-memory', '--port', '0', '--host', '127.0.0.1', '--4lw-commands-whitelist', 'ruok']);
    const listening = await server.waitForLog(/^coord server listening on /);
    const port = listening['port'];
    if (typeof port !== 'number') throw new Error(`no port in ${JSON.stringify(listening)}`);
    expect(port).toBeGreaterThan(0);
    expect(await fourLetterWord(port, 'ruok')).toBe('imok');
    expect(server.logs.filter((l) => l.level >= 40)).toEqual([]);

    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.logs.at(-1)?.msg).toBe('coord server stopped');
  });

  it('serves the AdminServer and the Prometheus endpoint when the config asks for them', async () => {
    const server = coordServer([
      '--in-memory', '--port', '0', '--host', '127.0.0.1',
      '--admin-enable-server', 'true', '--admin-server-port', '0', '--admin-server-address', '127.0.0.1',
      '--metrics-provider-class-name', 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider', '--metrics-provider-http-port', '0',
    ]);
    const admin = await server.waitForLog(/^admin server listening on /);
    const metrics = await server.waitForLog(/^metrics listening on /);
    const ruok = (await (await fetch(`http://127.0.0.1:${String(admin['adminPort'])}/commands/ruok`)).json()) as Record<string, unknown>;
    expect(ruok).toMatchObject({ command: 'ruok', error: null });
    const text = await (await fetch(`http://127.0.0.1:${String(metrics['metricsPort'])}/metrics`)).text();
    expect(text).toMatch(/^znode_count \d/m);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('lets flags override the file', async () => {
    const cfg = writeConfig('override.cfg', ['clientPort=1', 'clientPortAddress=127.0.0.1']);
    const server = coordServer([cfg, '--port', '0', '--in-memory']);
    const listening = await server.waitForLog(/^coord server listening on /);
    expect(listening['port']).not.toBe(1);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('exits 2 naming the file, line and key of a bad value', async () => {
    const cfg = writeConfig('bad.cfg', ['dataDir=/tmp/x', 'clientPort=2181', 'tickTime=fast']);
    const server = coordServer([cfg]);
    expect(await server.exited).toEqual({ code: 2, signal: null });
    expect(server.stderr).toBe(`coord server: ${cfg}:3: tickTime: expected an integer >= 1 (milliseconds), got "fast"\n`);
    expect(server.logs.map((l) => [l.level, l.msg])).toEqual([[60, `${cfg}:3: tickTime: expected an integer >= 1 (milliseconds), got "fast"`]]);
  });

  it('exits 2 for a missing dataDir, an unreadable file, a bad flag and an ensemble member without myid', async () => {
    const noDataDir = coordServer([writeConfig('nodata.cfg', ['clientPort=0'])]);
    const missing = coordServer([join(dir, 'does-not-exist.cfg')]);
    const badFlag = coordServer(['--in-memory', '--force-sync', 'maybe']);
    const ensemble = coordServer([writeConfig('ensemble.cfg', [`dataDir=${join(dir, 'no-myid')}`, 'initLimit=5', 'syncLimit=2', 'server.1=a:2888:3888', 'server.2=b:2888:3888'])]);
    for (const p of [noDataDir, missing, badFlag, ensemble]) expect((await p.exited).code).toBe(2);
    expect(noDataDir.stderr).toMatch(/nodata\.cfg: dataDir: is not set; .*--in-memory/);
    expect(missing.stderr).toMatch(/cannot read .*does-not-exist\.cfg: ENOENT/);
    expect(badFlag.stderr).toBe('coord server: command-line flag --force-sync: forceSync: expected yes or no, got "maybe"\n');
    expect(ensemble.stderr).toMatch(/no-myid\/myid is missing: an ensemble member reads its id from it/);
  });

  it('exits 1 with a fatal log line when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const address = blocker.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const server = coordServer(['--in-memory', '--host', '127.0.0.1', '--port', String(address.port)]);
      expect(await server.exited).toEqual({ code: 1, signal: null });
      expect(server.logs.at(-1)).toMatchObject({ level: 60, msg: expect.stringMatching(/could not start on 127\.0\.0\.1:\d+: .*EADDRINUSE/) });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('--help documents every option with its zoo.cfg key and default', async () => {
    const help = coordServer(['--help']);
    expect(await help.exited).toEqual({ code: 0, signal: null });
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const spec of Object.values(KEYS)) {
      expect(text).toContain(`${spec.flag} ${spec.valueName}`);
      expect(text).toContain(`(zoo.cfg: ${spec.key}; default: ${spec.defaultText})`);
    }
    for (const extra of ['--server <id=spec>', '--in-memory', '--log-format <format>', '--log-level <level>']) expect(text).toContain(extra);
  });
});
