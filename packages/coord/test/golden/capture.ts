/**
 * Captures golden bytes: runs the official ZooKeeper Java client (java/GoldenSession.java) against
 * Apache ZooKeeper through a recording proxy and writes every frame of every connection to
 * fixtures/java-session.json, which golden.test.ts decodes and re-encodes with our codec.
 *
 * Run from the repository root: `npx tsx packages/coord/test/golden/capture.ts`.
 * Needs the Debian `zookeeper` package (or ZOOKEEPER_HOME) and a JDK (javac).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { OpCode, RequestHeader, decode, nameOf } from '../../src/jute/index.js';
import { fourLetterWord, locateApacheZooKeeper, startApacheZooKeeper, startTcpProxy, type RecordedConnection } from '../../src/testing/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const javaSource = join(here, 'java', 'GoldenSession.java');
const fixturePath = join(here, 'fixtures', 'java-session.json');
const RUN_TIMEOUT_MS = 120_000;

function findTool(name: string): string {
  const dirs = [process.env['JAVA_HOME'] === undefined ? '' : join(process.env['JAVA_HOME'], 'bin'), ...(process.env['PATH'] ?? '').split(delimiter)];
  for (const dir of dirs.filter((d) => d !== '')) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // keep looking
    }
  }
  throw new Error(`${name} not found: install a JDK (apt-get install -y default-jdk-headless) or set JAVA_HOME`);
}

/** Runs a command to completion; rejects with its output if it fails. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${String(code)}:\n${output}`))));
  });
}

interface SessionResult {
  readonly clientVersion: string;
  readonly javaVersion: string;
}

/**
 * Runs GoldenSession and serves its "READY_FOR_DROP" requests: drop every proxied connection,
 * then tell the program to go on (it waits for the reconnect itself).
 */
function runSession(java: string, classpath: string, connectString: string, drop: () => void): Promise<SessionResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(java, ['-Dzookeeper.sasl.client=false', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', classpath, 'GoldenSession', connectString], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let clientVersion = '';
    let javaVersion = '';
    let done = false;
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      console.log(`  java> ${line}`);
      if (line.startsWith('CLIENT_VERSION ')) clientVersion = line.slice('CLIENT_VERSION '.length);
      else if (line.startsWith('JAVA_VERSION ')) javaVersion = line.slice('JAVA_VERSION '.length);
      else if (line.startsWith('READY_FOR_DROP')) {
        drop();
        child.stdin.write('\n');
      } else if (line === 'DONE') done = true;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && done) resolve({ clientVersion, javaVersion });
      else reject(new Error(`GoldenSession failed (code ${String(code)}, signal ${String(signal)}):\n${stderr}`));
    });
  });
}

function summarise(connections: ReadonlyArray<RecordedConnection>): void {
  const opcodes = new Map<string, number>();
  connections.forEach((c, i) => {
    console.log(`connection ${i}: ${c.clientToServer.length} client->server frames, ${c.serverToClient.length} server->client frames`);
    for (const f of c.clientToServer.slice(1)) {
      const header = decode(RequestHeader, f.subarray(4, 12));
      const name = `${String(nameOf(OpCode, header.type) ?? 'unknown')}(${header.type})`;
      opcodes.set(name, (opcodes.get(name) ?? 0) + 1);
    }
  });
  console.log(`opcodes sent: ${[...opcodes].map(([name, n]) => `${name} x${n}`).join(', ')}`);
}

async function main(): Promise<void> {
  const install = locateApacheZooKeeper();
  if (install === undefined) throw new Error('Apache ZooKeeper not found: apt-get install -y zookeeper, or set ZOOKEEPER_HOME');
  const classpath = install.classpath.join(':');
  const work = await mkdtemp(join(tmpdir(), 'coordlab-golden-'));
  try {
    await run(findTool('javac'), ['-d', work, '-cp', classpath, javaSource]);
    await using zk = await startApacheZooKeeper();
    await using proxy = await startTcpProxy(zk, { record: true });
    const serverVersion = (await fourLetterWord(zk.host, zk.port, 'srvr')).split('\n')[0]?.replace(/^Zookeeper version: /, '') ?? 'unknown';
    const session = await runSession(findTool('java'), `${work}:${classpath}`, proxy.connectString, () => proxy.dropConnections());

    const fixture = {
      capturedWith: `Apache ZooKeeper server ${serverVersion}; Java client ${session.clientVersion}; Java ${session.javaVersion}; packages/coord/test/golden/java/GoldenSession.java via capture.ts`,
      connections: proxy.connections.map((c) => ({
        clientToServer: c.clientToServer.map((f) => f.toString('hex')),
        serverToClient: c.serverToClient.map((f) => f.toString('hex')),
      })),
    };
    await mkdir(dirname(fixturePath), { recursive: true });
    await writeFile(fixturePath, `${JSON.stringify(fixture, null, 2)}\n`);
    summarise(proxy.connections);
    console.log(`wrote ${fixturePath}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
