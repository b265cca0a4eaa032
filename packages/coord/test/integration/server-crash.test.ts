/**
 * kill -9 of a `coord server` process under concurrent write load, many times over one dataDir:
 * after each restart every acknowledged write is there, no multi is half-applied, and the zxid
 * sequence carries on. The server runs as a real child process with fsync on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type CoordClient } from '../../src/index.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = join(REPO_ROOT, 'packages/coord/src/cli/main.ts');
const TRIALS = Number(process.env['CRASH_TRIALS'] ?? 20);
const WRITERS = 4;
/** Acknowledged multis to wait for before each kill (load is still running when it lands). */
const ACKS_BEFORE_KILL = 40;

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
});

/** Starts `coord server` on a free port over `dataDir`; resolves with its port once it listens. */
function startServerProcess(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'server', '--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--admin-enable-server', 'false', '--pre-alloc-size', '1024', '--tick-time', '500'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /"port":(\d+)[^\n]*coord server listening/.exec(out);
      if (match !== null) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`coord server exited (${String(code)}) before listening:\n${out}\n${err}`)));
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

interface Acked {
  /** The multi's two node names under /t<trial>. */
  readonly names: readonly [string, string];
  readonly zxid: bigint;
}

/** Writers run multis (create /a-i and /b-i together) until the server dies; each ack is recorded. */
async function loadUntilKilled(port: number, trial: number, onAck: (a: Acked) => void): Promise<void> {
  let next = 0;
  const writer = async (client: CoordClient, w: number): Promise<void> => {
    for (;;) {
      const i = next++;
      try {
        const names = [`a-${w}-${i}`, `b-${w}-${i}`] as const;
        const results = await client.multi().create(`/t${trial}/${names[0]}`, 'x').create(`/t${trial}/${names[1]}`, 'y').commit();
        // The reply is the acknowledgement; its zxid is read back for the sequence check.
        expect(results).toHaveLength(2);
        const stat = await client.exists(`/t${trial}/${names[0]}`);
        onAck({ names, zxid: stat?.czxid ?? -1n });
      } catch {
        return; // the server is gone: the rest of this writer's ops were never acknowledged
      }
    }
  };
  const clients = Array.from({ length: WRITERS }, () => createClient(`127.0.0.1:${port}`, { whenDisconnected: 'fail', noServerTimeoutMs: 60_000 }));
  try {
    await Promise.all(clients.map((c) => c.waitForConnected({ timeoutMs: 10_000 })));
    await clients[0]?.create(`/t${trial}`);
    await Promise.all(clients.map((c, w) => writer(c, w)));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

describe('kill -9 of a coord server under write load', () => {
  it(`keeps every acknowledged write, never half a multi, and the zxid sequence, over ${TRIALS} crashes`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'coord-crash-'));
    try {
      let highestAcked = 0n;
      for (let trial = 0; trial < TRIALS; trial++) {
        const { child, port } = await startServerProcess(dataDir);
        const acked: Acked[] = [];
        let killed: Promise<void> | undefined;
        const load = loadUntilKilled(port, trial, (a) => {
          acked.push(a);
          if (acked.length === ACKS_BEFORE_KILL) killed = killHard(child);
        });
        await load;
        await killed;
        children.delete(child);
        expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);

        // Restart on the same dataDir and check what the killed server acknowledged.
        const restarted = await startServerProcess(dataDir);
        const reader = createClient(`127.0.0.1:${restarted.port}`);
        try {
          const names = new Set(await reader.getChildren(`/t${trial}`));
          for (const name of names) {
            // All or nothing: a multi's two creates are both there or both missing.
            const pair = name.startsWith('a-') ? `b-${name.slice(2)}` : `a-${name.slice(2)}`;
            expect(names.has(pair), `${name} without ${pair} in trial ${trial}`).toBe(true);
          }
          // Every acknowledged multi is there, both halves.
          for (const a of acked) {
            expect(a.zxid).toBeGreaterThan(0n);
            for (const name of a.names) expect(names.has(name), `acknowledged ${name} lost in trial ${trial}`).toBe(true);
          }
          const maxAcked = acked.reduce((m, a) => (a.zxid > m ? a.zxid : m), 0n);
          const probe = await reader.createWithStat(`/t${trial}/after-restart`);
          expect(probe.stat.czxid).toBeGreaterThan(maxAcked);
          expect(probe.stat.czxid).toBeGreaterThan(highestAcked);
          highestAcked = probe.stat.czxid;
        } finally {
          await reader.close();
          await killHard(restarted.child);
          children.delete(restarted.child);
        }
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
