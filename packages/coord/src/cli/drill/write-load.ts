/**
 * The write load of a drill: several writers, each its own session of coord's client, each with
 * one write outstanding at a time, and a record of every write the server acknowledged. A write
 * that failed (connection loss, timeout) has an unknown outcome: it may or may not have been
 * applied, so it is neither counted as acknowledged nor as lost.
 *
 * Writer w writes under `<base>/w<w>`: three of every four writes create a persistent
 * sequential node `b<bucket>/n<seq>-` (the value is in the name, so reading names back checks
 * them; buckets of 1000 keep every getChildren reply small), the fourth sets `last` to `<seq>`.
 */
import { performance } from 'node:perf_hooks';
import { createClient, type CoordClient } from '../../client/client.js';
import { NodeExistsError, NoNodeError, SessionExpiredError } from '../../errors/errors.js';

export const BUCKET_SIZE = 1000;
const SET_EVERY = 4;

export interface WriterRecord {
  readonly writer: number;
  /** Paths (as the server named them) of every acknowledged create. */
  readonly created: string[];
  /** The highest seq whose setData of `last` was acknowledged; -1 for none. */
  lastSetSeq: number;
  acked: number;
  failed: number;
}

interface AckWaiter {
  readonly issuedAfter: number;
  readonly resolve: (ackedAt: number) => void;
}

export interface WriteLoadOptions {
  readonly connectString: string;
  readonly basePath: string;
  readonly writers: number;
  readonly sessionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly dataBytes?: number;
}

export class WriteLoad {
  readonly records: WriterRecord[] = [];
  /** Errors by name, over all writers. */
  readonly errors = new Map<string, number>();
  private readonly waiters = new Set<AckWaiter>();
  private readonly clients: CoordClient[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: WriteLoadOptions) {
    for (let w = 0; w < options.writers; w++) this.records.push({ writer: w, created: [], lastSetSeq: -1, acked: 0, failed: 0 });
  }

  get acked(): number {
    return this.records.reduce((n, r) => n + r.acked, 0);
  }

  get failed(): number {
    return this.records.reduce((n, r) => n + r.failed, 0);
  }

  writerPath(writer: number): string {
    return `${this.options.basePath}/w${writer}`;
  }

  private newClient(): CoordClient {
    return createClient(this.options.connectString, {
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs,
      reconnectBackoff: { baseMs: 5, maxMs: 100 },
    });
  }

  /** Creates the base nodes and starts every writer. */
  async start(): Promise<void> {
    const admin = this.newClient();
    try {
      await admin.waitForConnected({ timeoutMs: 30_000 });
      await createIfMissing(admin, this.options.basePath);
      for (let w = 0; w < this.options.writers; w++) {
        await createIfMissing(admin, this.writerPath(w));
        await createIfMissing(admin, `${this.writerPath(w)}/last`, '-1');
      }
    } finally {
      await admin.close();
    }
    this.running = true;
    this.loops = this.records.map((record) => this.loop(record));
  }

  /** Resolves with performance.now() of the first acknowledgement of a write issued at or after `issuedAfter`. */
  nextAckIssuedAfter(issuedAfter: number): Promise<number> {
    return new Promise((resolve) => this.waiters.add({ issuedAfter, resolve }));
  }

  /** Resolves once `count` more writes have been acknowledged (a steady state between faults). */
  async ackedMore(count: number, timeoutMs: number): Promise<void> {
    const target = this.acked + count;
    const deadline = performance.now() + timeoutMs;
    while (this.acked < target) {
      if (performance.now() > deadline) throw new Error(`only ${this.acked - (target - count)} of ${count} writes acknowledged within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await Promise.all(this.clients.splice(0).map((c) => c.close().catch(() => undefined)));
  }

  private acknowledge(record: WriterRecord, issuedAt: number): void {
    record.acked++;
    const now = performance.now();
    for (const waiter of this.waiters) {
      if (issuedAt >= waiter.issuedAfter) {
        this.waiters.delete(waiter);
        waiter.resolve(now);
      }
    }
  }

  private countError(err: unknown): void {
    const name = err instanceof Error ? err.name : 'Error';
    this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
  }

  private async loop(record: WriterRecord): Promise<void> {
    let client = this.newClient();
    this.clients.push(client);
    const base = this.writerPath(record.writer);
    const pad = Buffer.alloc(this.options.dataBytes ?? 0, 0x61).toString();
    let bucketReady = -1;
    for (let seq = 0; this.running; seq++) {
      const bucket = Math.floor(seq / BUCKET_SIZE);
      const issuedAt = performance.now();
      try {
        if (seq % SET_EVERY === SET_EVERY - 1) {
          await client.setData(`${base}/last`, String(seq));
          record.lastSetSeq = Math.max(record.lastSetSeq, seq);
        } else {
          if (bucketReady !== bucket) {
            await createIfMissing(client, `${base}/b${bucket}`);
            bucketReady = bucket;
          }
          const path = await client.create(`${base}/b${bucket}/n${seq}-`, `w${record.writer}-${seq}${pad}`, { mode: 'PERSISTENT_SEQUENTIAL' });
          record.created.push(path);
        }
        this.acknowledge(record, issuedAt);
      } catch (err) {
        record.failed++;
        this.countError(err);
        if (err instanceof NoNodeError) bucketReady = -1;
        if (err instanceof SessionExpiredError || client.state === 'lost') {
          // Persistent nodes outlive the session; carry on with a new one.
          void client.close().catch(() => undefined);
          client = this.newClient();
          this.clients.push(client);
        }
      }
    }
  }
}

async function createIfMissing(client: CoordClient, path: string, data: string | null = null): Promise<void> {
  try {
    await client.create(path, data);
  } catch (err) {
    if (!(err instanceof NodeExistsError)) throw err;
  }
}
