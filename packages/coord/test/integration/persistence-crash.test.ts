/**
 * kill -9 durability of the persistence layer: a child writes multis with fsync on and reports
 * each durable zxid; after SIGKILL at an arbitrary point, recovery must hold every acknowledged
 * txn, every multi whole or not at all, and the zxid sequence must continue in the next run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { recover } from '../../src/server/persistence/recovery.js';
import { makeTree } from '../unit/persistence/workload.js';

const WRITER = join(dirname(fileURLToPath(import.meta.url)), '..', 'unit', 'persistence', 'crash-writer.ts');
const TRIALS = 20;

/** Runs the writer until it has reported `acks` durable batches, then SIGKILLs it. */
async function runAndKill(dataDir: string, acks: number): Promise<{ start: bigint; maxAck: bigint }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let start = -1n;
  let maxAck = -1n;
  let seen = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const [word, value] = line.split(' ');
    if (word === 'start') start = BigInt(value ?? '');
    if (word === 'ack') {
      maxAck = BigInt(value ?? '');
      if (++seen >= acks) break;
    }
  }
  child.kill('SIGKILL');
  await exited;
  if (start < 0n || maxAck < 0n) throw new Error(`writer failed: ${stderr}`);
  return { start, maxAck };
}

describe('kill -9 during group-committed writes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coordlab-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`keeps every acknowledged txn over ${TRIALS} kills`, { timeout: 120_000 }, async () => {
    let previousAck = 0n;
    for (let trial = 0; trial < TRIALS; trial++) {
      const { start, maxAck } = await runAndKill(dataDir, 1 + ((trial * 7) % 25));
      expect(start, `trial ${trial}: the run starts where the acknowledged txns end`).toBeGreaterThanOrEqual(previousAck);
      const v2 = join(dataDir, 'version-2');
      const r = await recover({ snapDir: v2, logDir: v2, makeTree });
      expect(r.lastZxid, `trial ${trial}`).toBeGreaterThanOrEqual(maxAck);
      // Multis start two txns after `start` (the first is the run's createSession). Collect
      // problems and assert once: tens of thousands of expect() calls would dominate the run.
      const problems: string[] = [];
      for (let z = start + 2n; z <= maxAck; z++) {
        const data = r.tree.get(`/a-${z}`)?.data;
        if (data === undefined || Buffer.from(data ?? []).toString() !== `${z}`) problems.push(`acknowledged zxid ${z} missing`);
      }
      for (const path of r.tree.nodes.keys()) {
        const m = /^\/([ab])-(\d+)$/.exec(path);
        const twin = m === null ? undefined : `/${m[1] === 'a' ? 'b' : 'a'}-${m[2] ?? ''}`;
        if (twin !== undefined && r.tree.get(twin) === undefined) problems.push(`${path} without ${twin}: a multi half applied`);
      }
      expect(problems.slice(0, 5), `trial ${trial}`).toEqual([]);
      expect(r.sessions.has(0x0200_0000_0000_0000n + start), `trial ${trial}: the session survives`).toBe(true);
      previousAck = maxAck;
      if (trial === TRIALS - 1) console.log(`crash trials: ${r.lastZxid} txns, last run acknowledged up to ${maxAck}`);
    }
  });
});
