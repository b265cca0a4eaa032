import { describe, expect, it } from 'vitest';
import { BadVersionError, ConnectionLossError, type CoordClient, type NodeData } from '../../../src/index.js';
import { Mutex } from '../../../src/recipes/locks/index.js';
import { dropConnection } from '../../../src/testing/index.js';
import { useTarget, utf8, within } from '../harness.js';
import { targets } from '../target.js';

const CONTENDERS = 20;
const ROUNDS = 50;

/**
 * Reads the counter and writes it back plus one, fenced by the lease: the multi holds the
 * lease's check op and the setData carries the version read, so a stale holder or a racing
 * writer fails instead of overwriting. A dropped connection leaves the outcome unknown; the read
 * after it tells (the data version moved only if our write committed, as only we hold the lock).
 */
async function increment(client: CoordClient, counter: string, fence: (tx: ReturnType<CoordClient['multi']>) => void): Promise<number> {
  for (;;) {
    let read: NodeData;
    try {
      read = await client.getData(counter);
    } catch (err) {
      if (err instanceof ConnectionLossError) continue;
      throw err;
    }
    const next = Number(utf8(read.data)) + 1;
    const tx = client.multi();
    fence(tx);
    tx.setData(counter, String(next), read.stat.version);
    try {
      await tx.commit();
      return next;
    } catch (err) {
      if (!(err instanceof ConnectionLossError)) throw err;
      const after = await retryRead(() => client.getData(counter));
      if (after.stat.version === read.stat.version + 1 && Number(utf8(after.data)) === next) return next;
      if (after.stat.version !== read.stat.version) throw new BadVersionError({ path: counter, message: 'someone else wrote the counter while we held the lock' });
    }
  }
}

async function retryRead<T>(read: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof ConnectionLossError)) throw err;
    }
  }
}

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target, { tickTimeMs: 500 });

    async function run(withDrops: boolean): Promise<void> {
      const clients = await Promise.all(Array.from({ length: CONTENDERS }, () => zk.client()));
      const lock = zk.path('/lock');
      const counter = zk.path('/counter');
      await clients[0]?.create(counter, '0');
      // Grant order as this process saw it: token, and the value written under that grant.
      const grants: { token: bigint; value: number }[] = [];
      let holders = 0;
      let maxHolders = 0;
      let drops = 0;
      let running = true;
      const dropper = (async () => {
        // Drop a random contender's connection every few ms while the run lasts.
        while (withDrops && running) {
          await new Promise((resolve) => setTimeout(resolve, 15));
          const victim = clients[Math.floor(Math.random() * clients.length)];
          if (victim !== undefined && running) {
            dropConnection(victim);
            drops++;
          }
        }
      })();
      const started = performance.now();
      try {
        await within(
          Promise.all(
            clients.map(async (client) => {
              const mutex = new Mutex(client, lock);
              for (let i = 0; i < ROUNDS; i++) {
                const lease = await mutex.acquire();
                holders++;
                maxHolders = Math.max(maxHolders, holders);
                const value = await increment(client, counter, (tx) => lease.checkOp(tx));
                grants.push({ token: lease.fencingToken, value });
                holders--;
                await lease.release();
              }
            }),
          ),
          `${CONTENDERS} x ${ROUNDS} increments`,
          50_000,
        );
      } finally {
        running = false;
        await dropper;
      }
      const elapsedMs = Math.round(performance.now() - started);
      console.log(`[safety] ${target.name}${withDrops ? ` with ${drops} connection drops` : ''}: ${CONTENDERS} x ${ROUNDS} = ${grants.length} increments in ${elapsedMs} ms`);
      expect(maxHolders).toBe(1);
      expect(utf8((await clients[0]?.getData(counter))?.data ?? new Uint8Array())).toBe(String(CONTENDERS * ROUNDS));
      // Values were written 1, 2, 3 ... in grant order, and every grant's token beat the last.
      expect(grants.map((g) => g.value)).toEqual(Array.from({ length: CONTENDERS * ROUNDS }, (_, i) => i + 1));
      for (let i = 1; i < grants.length; i++) {
        if ((grants[i] as { token: bigint }).token <= (grants[i - 1] as { token: bigint }).token) throw new Error(`fencing token did not increase at grant ${i}`);
      }
      expect(await clients[0]?.getChildren(lock)).toEqual([]);
    }

    it(`Mutex safety: ${CONTENDERS} contenders x ${ROUNDS} increments, no lost update, fencing tokens strictly increasing`, async () => {
      await run(false);
    });

    it(`Mutex safety under random connection drops: ${CONTENDERS} x ${ROUNDS}, no lost update, tokens increasing`, async () => {
      await run(true);
    });
  });
}
