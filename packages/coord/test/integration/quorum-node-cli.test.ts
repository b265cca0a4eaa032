/**
 * `coord server <zoo.cfg>` with server.N lines runs an ensemble member, as ZooKeeper's
 * QuorumPeerMain does: three child processes (`node --import tsx src/cli/main.ts server`), each
 * with its myid in its dataDir, elect a leader that srvr reports, serve a client, and stop cleanly
 * on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type CoordClient } from '../../src/index.js';
import { fourLetterWord } from '../../src/testing/four-letter-word.js';
import { getFreePort } from '../../src/testing/free-port.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = 'packages/coord/src/cli/main.ts';

interface Member {
  readonly child: ChildProcess;
  readonly clientPort: number;
  readonly exited: Promise<number | null>;
  output: string;
}

const members: Member[] = [];
const clients: CoordClient[] = [];
let dir: string | undefined;

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  for (const m of members.splice(0)) {
    if (m.child.exitCode === null) m.child.kill('SIGKILL');
    await m.exited;
  }
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function startCliEnsemble(n: number): Promise<Member[]> {
  dir = await mkdtemp(join(tmpdir(), 'coord-quorum-cli-'));
  const ports: Array<{ client: number; quorum: number; election: number }> = [];
  for (let i = 0; i < n; i++) ports.push({ client: await getFreePort(), quorum: await getFreePort(), election: await getFreePort() });
  const serverLines = ports.map((p, i) => `server.${i + 1}=127.0.0.1:${p.quorum}:${p.election}`);
  for (let i = 0; i < n; i++) {
    const dataDir = join(dir, `m${i + 1}`);
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'myid'), `${i + 1}\n`);
    const cfg = join(dir, `zoo${i + 1}.cfg`);
    const port = ports[i] as { client: number };
    await writeFile(cfg, [`tickTime=200`, `initLimit=10`, `syncLimit=5`, `dataDir=${dataDir}`, `clientPort=${port.client}`, `clientPortAddress=127.0.0.1`, 'preAllocSize=64', ...serverLines, ''].join('\n'));
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'server', cfg, '--admin-enable-server', 'false'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const member: Member = { child, clientPort: port.client, exited: new Promise((resolve) => child.once('close', (code) => resolve(code))), output: '' };
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (member.output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (member.output += chunk));
    members.push(member);
  }
  return members;
}

async function modeOf(m: Member): Promise<string | undefined> {
  try {
    return /^Mode: (\w+)$/m.exec(await fourLetterWord('127.0.0.1', m.clientPort, 'srvr'))?.[1];
  } catch {
    return undefined;
  }
}

async function waitForRoles(ms: readonly Member[], timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const modes = await Promise.all(ms.map((m) => modeOf(m)));
    if (modes.filter((m) => m === 'leader').length === 1 && modes.filter((m) => m === 'follower').length === ms.length - 1) return modes as string[];
    if (Date.now() > deadline) throw new Error(`no leader within ${timeoutMs} ms: ${JSON.stringify(modes)}\n${ms.map((m) => m.output).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('coord server with an ensemble zoo.cfg', () => {
  it('runs members that elect a leader, serve clients and stop on SIGTERM', async () => {
    const ms = await startCliEnsemble(3);
    const modes = await waitForRoles(ms);
    const leaderAt = modes.indexOf('leader');
    const follower = ms[(leaderAt + 1) % ms.length] as Member;
    const c = createClient(`127.0.0.1:${follower.clientPort}`, { sessionTimeoutMs: 10_000 });
    clients.push(c);
    await c.create('/via-cli', 'x');
    const leader = createClient(`127.0.0.1:${(ms[leaderAt] as Member).clientPort}`, { sessionTimeoutMs: 10_000 });
    clients.push(leader);
    await leader.sync('/');
    expect(await leader.exists('/via-cli')).not.toBeNull();
    await Promise.all(clients.splice(0).map((x) => x.close()));
    const logs = ms.map((m) => m.output).join('\n');
    expect(logs).toMatch(/LEADING epoch \d+/);
    expect(logs).toMatch(/FOLLOWING \d+/);
    for (const m of ms) m.child.kill('SIGTERM');
    for (const m of ms) expect(await m.exited).toBe(0);
    expect(ms.every((m) => m.output.includes('coord server stopped'))).toBe(true);
  });
});
