/**
 * `coord shell` end to end: the real CLI (`node --import tsx src/cli/main.ts shell`) as a child
 * process against Apache ZooKeeper, driven through stdin, -c and a pipe kept open, with
 * assertions on stdout, stderr and exit codes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { digestId } from '../../src/client/acl.js';
import { apacheZooKeeperAvailable, getFreePort, startApacheZooKeeper, startTcpProxy, type ApacheZooKeeper } from '../../src/testing/index.js';

const available = apacheZooKeeperAvailable();
if (!available) {
  if (process.env['CI'] === 'true') throw new Error('Apache ZooKeeper is required in CI: apt-get install -y zookeeper');
  console.warn('\n*** SKIPPING coord shell integration tests: Apache ZooKeeper not installed (apt-get install -y zookeeper, or set ZOOKEEPER_HOME) ***\n');
}

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = 'packages/coord/src/cli/main.ts';
const WAIT_MS = 45_000;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One `coord shell` child process with its output collected as it arrives. */
class ShellProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.append('stdout', chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.append('stderr', chunk));
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  write(text: string): void {
    this.child.stdin?.write(text);
  }

  end(text = ''): void {
    this.child.stdin?.end(text);
  }

  /** Resolves once `stream`'s output so far matches; rejects with both outputs after WAIT_MS. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this[stream].match(pattern);
        if (match === null) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(match);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${pattern} on ${stream}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`));
      }, WAIT_MS);
      if (!check()) this.waiters.add(check);
    });
  }

  private append(stream: 'stdout' | 'stderr', chunk: string): void {
    this[stream] += chunk;
    for (const waiter of [...this.waiters]) waiter();
  }
}

const started = new Set<ShellProcess>();
/** JVMs a shell reported starting (--start-apache), killed after each test if still alive. */
const reportedJvmPids = new Set<number>();

function startShell(args: readonly string[], env: Readonly<Record<string, string>> = {}): ShellProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC', COORD_HISTORY: '', ...env };
  if (env['COORD_CONNECT'] === undefined) delete childEnv['COORD_CONNECT'];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'shell', ...args], { cwd: REPO_ROOT, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  const shell = new ShellProcess(child);
  started.add(shell);
  return shell;
}

interface Finished extends Exit {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a shell with `stdin` as its whole input and waits for it to exit. */
async function runShell(args: readonly string[], stdin = '', env: Readonly<Record<string, string>> = {}): Promise<Finished> {
  const shell = startShell(args, env);
  shell.end(stdin);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`coord shell ${args.join(' ')} did not exit within ${WAIT_MS} ms\n--- stdout ---\n${shell.stdout}\n--- stderr ---\n${shell.stderr}`)), WAIT_MS);
  });
  try {
    const exit = await Promise.race([shell.exited, timeout]);
    return { ...exit, stdout: shell.stdout, stderr: shell.stderr };
  } finally {
    clearTimeout(timer);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function startedJvmPid(stderr: string): number {
  const match = /Started Apache ZooKeeper at 127\.0\.0\.1:\d+ \(pid (\d+)/.exec(stderr);
  if (match === null) throw new Error(`no "Started Apache ZooKeeper" line in stderr:\n${stderr}`);
  const pid = Number(match[1]);
  reportedJvmPids.add(pid);
  return pid;
}

/** zkCli's default watcher prints two lines per event; split them from the commands' output. */
function splitWatcherLines(stdout: string): { plain: string[]; events: string[] } {
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const plain: string[] = [];
  const events: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === 'WATCHER::') events.push(lines[++i] ?? '');
    else plain.push(lines[i] ?? '');
  }
  return { plain, events };
}

type Expected = string | RegExp;

/** The eleven lines of a zkCli Stat, with the given fields exact and the others by shape. */
function statLines(fields: Partial<Record<'cversion' | 'dataVersion' | 'aclVersion' | 'ephemeralOwner' | 'dataLength' | 'numChildren', string | number>> = {}): Expected[] {
  const date = /^[cm]time = (Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/;
  const field = (name: keyof typeof fields, shape: RegExp): Expected => (fields[name] === undefined ? shape : `${name} = ${fields[name]}`);
  return [
    /^cZxid = 0x[0-9a-f]+$/,
    date,
    /^mZxid = 0x[0-9a-f]+$/,
    date,
    /^pZxid = 0x[0-9a-f]+$/,
    field('cversion', /^cversion = \d+$/),
    field('dataVersion', /^dataVersion = \d+$/),
    field('aclVersion', /^aclVersion = \d+$/),
    field('ephemeralOwner', /^ephemeralOwner = 0x[0-9a-f]+$/),
    field('dataLength', /^dataLength = \d+$/),
    field('numChildren', /^numChildren = \d+$/),
  ];
}

function expectLines(actual: readonly string[], expected: readonly Expected[]): void {
  const rendered = (e: Expected) => (typeof e === 'string' ? e : e.toString());
  const mismatch = expected.findIndex((e, i) => {
    const line = actual[i];
    return line === undefined || (typeof e === 'string' ? line !== e : !e.test(line));
  });
  if (mismatch >= 0 || actual.length !== expected.length) {
    const at = mismatch >= 0 ? mismatch : Math.min(actual.length, expected.length);
    throw new Error(
      `output differs at line ${at + 1}: expected ${JSON.stringify(expected[at] === undefined ? '(end)' : rendered(expected[at]))}, got ${JSON.stringify(actual[at] ?? '(end)')}\n` +
        `--- actual ---\n${actual.map((l, i) => `${i + 1}: ${l}`).join('\n')}`,
    );
  }
}

afterEach(async () => {
  for (const shell of started) {
    if (shell.running) shell.child.kill('SIGKILL');
    await shell.exited;
  }
  started.clear();
  for (const pid of reportedJvmPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  reportedJvmPids.clear();
});

describe('coord shell --help', () => {
  it('documents every command, the options, the modes and the exit codes', async () => {
    const result = await runShell(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['ls', 'get', 'set', 'create', 'delete', 'deleteall', 'stat', 'getAcl', 'setAcl', 'addauth', 'sync', 'addWatch', 'whoami', 'getEphemerals', 'getAllChildrenNumber', 'config', 'help', 'quit']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}( |$)`, 'm'));
    }
    for (const option of ['--server', '--start-server', '--start-apache', '--timeout', '-c, --command', '-i, --interactive', '--stop-on-error', 'COORD_CONNECT']) expect(result.stdout).toContain(option);
    expect(result.stdout).toContain('Exit status:');
    expect(result.stdout).toMatch(/1 +a command failed/);
  });

  it('rejects --server together with --start-apache', async () => {
    const result = await runShell(['--server', '127.0.0.1:1', '--start-apache', '-c', 'ls /']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--server and --start-apache cannot be used together');
  });
});

describe('coord shell --start-server', () => {
  it('starts an embedded coord server, runs the script against it, and exits 0', async () => {
    const result = await runShell(['--start-server'], 'create /demo hello\nget /demo\nls /\n');
    expect(result.stderr).toContain('Started an embedded coord server at 127.0.0.1:');
    expect(result.stdout.split('\n')).toEqual(expect.arrayContaining(['hello', '[demo, zookeeper]']));
    expect(result.code).toBe(0);
  });

  it('rejects --start-server together with --server', async () => {
    const result = await runShell(['--server', '127.0.0.1:1', '--start-server', '-c', 'ls /']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--server and --start-server cannot be used together');
  });
});

describe.skipIf(!available)('coord shell against Apache ZooKeeper', () => { // requires Apache ZooKeeper; skips only outside CI
  let zk: ApacheZooKeeper;

  beforeAll(async () => {
    zk = await startApacheZooKeeper();
  });

  afterAll(async () => {
    await zk?.stop();
  });

  it('runs a script of every command with zkCli-shaped output and exits 0', async () => {
    const script = `# every command, in zkCli's syntax
create /every hello
create /every/plain
create -e /every/eph e

create -s /every/seq- s
create -e -s /every/eseq- es
create -c /every/container
create /every/container/child c
create -t 60000 /every/ttl t
create /every/acl-node x world:anyone:cdrwa,ip:127.0.0.1:r
create /every/spaced "hello world"
ls /every
ls -s /every
ls -R /every/container
get /every
get -s /every/spaced
stat /every/plain
set /every/plain v1
set -s -v 1 /every/plain v2
getAcl /every/acl-node
getAcl -s /every/acl-node
setAcl /every/acl-node world:anyone:ra
getAcl /every/acl-node
setAcl -s -v 1 /every/acl-node world:anyone:cdrwa
setAcl -R /every/container world:anyone:cdrw
getAcl /every/container/child
addauth digest alice:secret
whoami
create /every/mine m auth::cdrwa
getAcl /every/mine
sync /every
getEphemerals
getEphemerals /every/es
getAllChildrenNumber /every
config
get -w /every/plain
set /every/plain v3
stat -w /every/spaced
delete /every/spaced
ls -w /every/container
create /every/container/second
addWatch /every/tree
create /every/tree t
create /every/tree/leaf
addWatch -m PERSISTENT /every/p
create /every/p
set /every/p x
delete -v 3 /every/plain
delete /every/ttl
deleteall -b 2 /every/container
deleteall /every
ls /
quit
get /after-quit-is-not-run
`;
    const result = await runShell(['--server', zk.connectString], script);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { plain, events } = splitWatcherLines(result.stdout);
    expectLines(plain, [
      'Created /every',
      'Created /every/plain',
      'Created /every/eph',
      /^Created \/every\/seq-\d{10}$/,
      /^Created \/every\/eseq-\d{10}$/,
      'Created /every/container',
      'Created /every/container/child',
      'Created /every/ttl',
      'Created /every/acl-node',
      'Created /every/spaced',
      /^\[acl-node, container, eph, eseq-\d{10}, plain, seq-\d{10}, spaced, ttl\]$/,
      /^\[acl-node, container, eph, eseq-\d{10}, plain, seq-\d{10}, spaced, ttl\]$/,
      ...statLines({ cversion: 8, dataVersion: 0, dataLength: 5, numChildren: 8, ephemeralOwner: '0x0' }),
      '/every/container',
      '/every/container/child',
      'hello',
      'hello world',
      ...statLines({ dataVersion: 0, dataLength: 11, numChildren: 0 }),
      ...statLines({ dataVersion: 0, dataLength: 0, numChildren: 0, ephemeralOwner: '0x0' }),
      ...statLines({ dataVersion: 2, dataLength: 2 }),
      "'world,'anyone",
      ': cdrwa',
      "'ip,'127.0.0.1",
      ': r',
      "'world,'anyone",
      ': cdrwa',
      "'ip,'127.0.0.1",
      ': r',
      ...statLines({ aclVersion: 0 }),
      "'world,'anyone",
      ': ra',
      ...statLines({ aclVersion: 2 }),
      "'world,'anyone",
      ': cdrw',
      'Auth scheme: User',
      // whoami lists the server's identities in its own (hash) order.
      /^(ip: 127\.0\.0\.1|digest: alice)$/,
      /^(ip: 127\.0\.0\.1|digest: alice)$/,
      'Created /every/mine',
      `'digest,'${digestId('alice', 'secret')}`,
      ': cdrwa',
      'Sync is OK',
      /^\[\/every\/eph, \/every\/eseq-\d{10}\]$/,
      /^\[\/every\/eseq-\d{10}\]$/,
      '10',
      '',
      'v2',
      ...statLines({ dataLength: 11 }),
      '[child]',
      'Created /every/container/second',
      'Created /every/tree',
      'Created /every/tree/leaf',
      'Created /every/p',
      /^\[(.*, )?zookeeper(, .*)?\]$/,
    ]);
    expect(plain).toEqual(expect.arrayContaining(['ip: 127.0.0.1', 'digest: alice']));
    expect(plain.at(-1)).not.toContain('every');
    const event = (type: string, path: string) => `WatchedEvent state:SyncConnected type:${type} path:${path}`;
    // One-shot and persistent watches, in the order their changes were made...
    expect(events.slice(0, 7)).toEqual([
      event('NodeDataChanged', '/every/plain'),
      event('NodeDeleted', '/every/spaced'),
      event('NodeChildrenChanged', '/every/container'),
      event('NodeCreated', '/every/tree'),
      event('NodeCreated', '/every/tree/leaf'),
      event('NodeCreated', '/every/p'),
      event('NodeDataChanged', '/every/p'),
    ]);
    // ...then deleteall /every removing what the persistent watches still watch.
    expect(events.slice(7).sort()).toEqual([event('NodeDeleted', '/every/p'), event('NodeDeleted', '/every/tree'), event('NodeDeleted', '/every/tree/leaf')].sort());
  });

  it('prints each failure on stderr with its line, runs the rest, and exits 1', async () => {
    const script = [
      'create /failing x',
      'get /missing',
      'create /failing again',
      'set -v 7 /failing y',
      'create /failing/child c',
      'delete /failing',
      'ls -x /',
      'set /failing',
      'frobnicate /',
      'create -c -e /failing/bad',
      'setAcl /failing world:anyone:xyz',
      'create -t soon /failing/ttl',
      'get relative/path',
      'get "/failing',
      'get /failing',
      'deleteall /failing',
    ].join('\n');
    const result = await runShell(['--server', zk.connectString], script);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Created /failing\nCreated /failing/child\nx\n');
    expectLines(result.stderr.trimEnd().split('\n'), [
      'line 2: Node does not exist: /missing (NONODE)',
      'line 3: Node already exists: /failing (NODEEXISTS)',
      'line 4: version No is not valid : /failing (BADVERSION)',
      'line 6: Node not empty: /failing (NOTEMPTY)',
      'line 7: ls: unknown flag -x',
      'Usage: ls [-s] [-R] [-w] path',
      'line 8: set: missing data',
      'Usage: set [-s] [-v version] path data',
      'line 9: Command not found: frobnicate (type help for the list)',
      'line 10: create: -c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.',
      'Usage: create [-e] [-s] [-c] [-t ttl] path [data] [acl]',
      'line 11: setAcl: unknown permission "x" in ACL entry "world:anyone:xyz" (use letters from crwda)',
      'Usage: setAcl [-s] [-v version] [-R] path acl',
      'line 12: create: ttl must be an integer, got "soon"',
      'Usage: create [-e] [-s] [-c] [-t ttl] path [data] [acl]',
      /^line 13: invalid path "relative\/path": .*\(BADARGUMENTS\)$/,
      'line 14: unterminated " quote',
    ]);
  });

  it('stops at the first failure with --stop-on-error', async () => {
    const result = await runShell(['--server', zk.connectString, '--stop-on-error'], 'create /stop-a\nget /stop-missing\ncreate /stop-b\n');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Created /stop-a\n');
    expect(result.stderr).toBe('line 2: Node does not exist: /stop-missing (NONODE)\nStopped at line 2 (--stop-on-error); later lines were not run\n');
    const check = await runShell(['--server', zk.connectString, '-c', 'ls /']);
    expect(check.stdout).toMatch(/stop-a/);
    expect(check.stdout).not.toMatch(/stop-b/);
    await runShell(['--server', zk.connectString, '-c', 'delete /stop-a']);
  });

  it('runs one command with -c and exits 0, or 1 when it fails, without reading stdin', async () => {
    const ok = await runShell(['--server', zk.connectString, '-c', 'ls /'], 'create /from-stdin\n');
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^\[(.*, )?zookeeper(, .*)?\]\n$/);
    expect(ok.stdout).not.toContain('from-stdin');

    const missing = await runShell(['--server', zk.connectString, '-c', 'get /c-missing']);
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: 'Node does not exist: /c-missing (NONODE)\n' });

    const usage = await runShell(['--server', zk.connectString, '-c', 'get']);
    expect(usage).toMatchObject({ code: 1, stdout: '', stderr: 'get: missing path\nUsage: get [-s] [-w] path\n' });

    const help = await runShell(['--server', zk.connectString, '-c', 'help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('\taddWatch [-m mode] path\n');
    expect(help.stdout).toContain('\tsetAcl [-s] [-v version] [-R] path acl\n');
  });

  it('connects to $COORD_CONNECT by default, and applies a chroot', async () => {
    const viaEnv = await runShell(['-c', 'create /chrooted'], '', { COORD_CONNECT: zk.connectString });
    expect(viaEnv).toMatchObject({ code: 0, stdout: 'Created /chrooted\n' });
    const inChroot = await runShell(['--server', `${zk.connectString}/chrooted`], 'create /inside 1\nls /\ngetEphemerals\n');
    expect(inChroot).toMatchObject({ code: 0, stdout: 'Created /inside\n[inside]\n[]\n', stderr: '' });
    const fromRoot = await runShell(['--server', zk.connectString], 'ls /chrooted\ndeleteall /chrooted\n');
    expect(fromRoot).toMatchObject({ code: 0, stdout: '[inside]\n' });
  });

  it('exits 2 when no server answers within --timeout', async () => {
    const port = await getFreePort();
    const started = Date.now();
    const result = await runShell(['--server', `127.0.0.1:${port}`, '--timeout', '1500', '-c', 'ls /']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`could not connect to 127\\.0\\.0\\.1:${port} within 1500 ms`));
    expect(Date.now() - started).toBeLessThan(WAIT_MS);
  });

  it('with -i prompts like zkCli, keeps going after errors and exits 0', async () => {
    const result = await runShell(['--server', zk.connectString, '-i'], 'ls /zookeeper\nget /i-missing\n\nexit\nls /\n');
    expect(result.code).toBe(0);
    const prompt = (n: number) => `[coord: ${zk.connectString}(CONNECTED) ${n}] `;
    expect(result.stdout).toBe(`${prompt(0)}[config, quota]\n${prompt(1)}${prompt(2)}${prompt(2)}`);
    expect(result.stderr).toContain(`Connecting to ${zk.connectString}...\n`);
    expect(result.stderr).toMatch(/Connected to 127\.0\.0\.1:\d+ \(session 0x[0-9a-f]+, timeout \d+ ms\)/);
    expect(result.stderr).toContain('Node does not exist: /i-missing (NONODE)\n');
  });

  it('reports connection loss and reconnection on stderr and keeps its watches', async () => {
    const proxy = await startTcpProxy({ host: zk.host, port: zk.port });
    try {
      const shell = startShell(['--server', proxy.connectString, '--timeout', '10000']);
      shell.write('create /reconnecting a\nget -w /reconnecting\n');
      await shell.waitFor('stdout', /^a$/m);
      proxy.dropConnections();
      await shell.waitFor('stderr', /Disconnected; reconnecting \(session 0x[0-9a-f]+ may still be alive\)/);
      await shell.waitFor('stderr', /Reconnected to 127\.0\.0\.1:\d+ \(session 0x[0-9a-f]+\); watches restored/);
      shell.end('set /reconnecting b\ndelete /reconnecting\n');
      expect(await shell.exited).toEqual({ code: 0, signal: null });
      expect(shell.stdout).toContain('WATCHER::\nWatchedEvent state:SyncConnected type:NodeDataChanged path:/reconnecting\n');
    } finally {
      await proxy.close();
    }
  });
});

describe.skipIf(!available)('coord shell --start-apache', () => { // requires Apache ZooKeeper; skips only outside CI
  it('starts Apache ZooKeeper, runs the command against it, and stops it on exit', async () => {
    const result = await runShell(['--start-apache', '-c', 'ls /']);
    expect(result.stdout).toBe('[zookeeper]\n');
    expect(result.code).toBe(0);
    const pid = startedJvmPid(result.stderr);
    expect(result.stderr).toContain(`Stopped Apache ZooKeeper (pid ${pid})`);
    expect(isAlive(pid)).toBe(false);
  });

  it('stops its server when the shell is terminated', async () => {
    const shell = startShell(['--start-apache']);
    shell.write('create /alive yes\n');
    await shell.waitFor('stdout', /^Created \/alive$/m);
    const pid = startedJvmPid(shell.stderr);
    expect(isAlive(pid)).toBe(true);
    shell.child.kill('SIGTERM');
    expect(await shell.exited).toEqual({ code: 143, signal: null });
    expect(shell.stderr).toContain('Interrupted by SIGTERM; closing');
    expect(isAlive(pid)).toBe(false);
  });
});
