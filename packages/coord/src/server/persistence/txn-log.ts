import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fileName, LOG_PREFIX } from './file-names.js';
import { encodeLogEntry, encodeLogHeader } from './txn-log-format.js';
import type { LoggedTxn } from './txn-codec.js';

/**
 * The txn log writer (FileTxnLog + the sync half of SyncRequestProcessor). append() only queues;
 * everything appended in one turn of the event loop, or while the previous write is in flight,
 * goes to disk as one batch: one write and one fdatasync (group commit). Listeners learn the
 * highest zxid that is durable after each batch, so a server can apply eagerly and release
 * replies only once their txn is on disk.
 */
export interface TxnLogOptions {
  readonly dir: string;
  /** fdatasync after each batch (zookeeper.forceSync, default yes). */
  readonly forceSync: boolean;
  /** Grow the file in chunks of this many bytes (zookeeper.preAllocSize; 0 = never preallocate). */
  readonly preAllocSizeBytes: number;
}

type Queued = { readonly zxid: bigint; readonly bytes: Buffer } | 'roll';

/** FilePadding: pad once the write position comes within a page of the allocated end. */
const PAD_MARGIN_BYTES = 4096;

export class TxnLog {
  private file: FileHandle | undefined;
  private position = 0;
  private allocated = 0;
  private queue: Queued[] = [];
  private draining: Promise<void> | undefined;
  private scheduled = false;
  private appended: bigint;
  private durable: bigint;
  private failure: Error | undefined;
  private readonly listeners = new Set<(zxid: bigint) => void>();
  private readonly failureListeners = new Set<(err: Error) => void>();
  private waiters: Array<{ zxid: bigint; resolve: (zxid: bigint) => void; reject: (err: Error) => void }> = [];
  /** Files this writer created, oldest first (tests and purge read them). */
  readonly files: string[] = [];

  constructor(
    private readonly options: TxnLogOptions,
    lastZxid: bigint,
  ) {
    this.appended = lastZxid;
    this.durable = lastZxid;
  }

  /** Highest zxid known to be on disk (with forceSync) or handed to the OS (without). */
  get durableZxid(): bigint {
    return this.durable;
  }

  get lastAppendedZxid(): bigint {
    return this.appended;
  }

  /** Queues a txn. Throws if an earlier write failed: the log cannot have a hole. */
  append(logged: LoggedTxn): void {
    if (this.failure !== undefined) throw this.failure;
    const zxid = logged.entry.header.zxid;
    this.queue.push({ zxid, bytes: encodeLogEntry(logged) });
    this.appended = zxid;
    this.schedule();
  }

  /** The next txn goes into a new file (after a snapshot, so old files can be purged). */
  roll(): void {
    this.queue.push('roll');
    this.schedule();
  }

  /** Resolves with the durable zxid once everything appended so far is durable. */
  flush(): Promise<bigint> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.durable >= this.appended && this.queue.length === 0) return Promise.resolve(this.durable);
    const zxid = this.appended;
    return new Promise((resolve, reject) => {
      this.waiters.push({ zxid, resolve, reject });
      this.schedule();
    });
  }

  /** Called after every batch with the new durable zxid. Returns an unsubscribe function. */
  onDurable(listener: (zxid: bigint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Called once if a write or sync fails. The log is then unusable (a hole would follow), and
   * txns after durableZxid may or may not be on disk: a server must stop, as ZooKeeper does.
   */
  onFailure(listener: (err: Error) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /** The error that stopped the log, if any. */
  get failed(): Error | undefined {
    return this.failure;
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.draining;
    await this.closeFile();
  }

  private schedule(): void {
    if (this.scheduled || this.draining !== undefined) return;
    this.scheduled = true;
    // setImmediate, not a microtask: lets every request already read from sockets join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
        if (this.queue.length > 0 || this.waiters.length > 0) this.schedule();
      });
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        if (this.queue[0] === 'roll') {
          this.queue.shift();
          await this.closeFile();
          continue;
        }
        const stop = this.queue.indexOf('roll');
        const batch = this.queue.splice(0, stop === -1 ? this.queue.length : stop) as Array<{ zxid: bigint; bytes: Buffer }>;
        await this.writeBatch(batch);
        this.durable = (batch[batch.length - 1] as { zxid: bigint }).zxid;
        for (const listener of this.listeners) listener(this.durable);
      }
      const ready = this.waiters.filter((w) => w.zxid <= this.durable);
      this.waiters = this.waiters.filter((w) => w.zxid > this.durable);
      for (const w of ready) w.resolve(this.durable);
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w.reject(this.failure);
      for (const listener of this.failureListeners) listener(this.failure);
    }
  }

  private async writeBatch(batch: ReadonlyArray<{ zxid: bigint; bytes: Buffer }>): Promise<void> {
    const parts = batch.map((e) => e.bytes);
    if (this.file === undefined) {
      const name = fileName(LOG_PREFIX, (batch[0] as { zxid: bigint }).zxid);
      this.file = await open(join(this.options.dir, name), 'w');
      this.files.push(name);
      this.position = 0;
      this.allocated = 0;
      parts.unshift(encodeLogHeader());
    }
    const data = Buffer.concat(parts);
    await this.preallocate(this.position + data.length);
    // A short write (a full disk) must not pass for a durable one: write the rest, or fail.
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.file.write(data, written, data.length - written, this.position + written);
      if (bytesWritten <= 0) throw new Error(`txn log write made no progress at byte ${this.position + written}`);
      written += bytesWritten;
    }
    this.position += data.length;
    if (this.options.forceSync) await this.file.datasync();
  }

  /** FilePadding.calculateFileSizeWithPadding, then one zero byte at the new end (a sparse file). */
  private async preallocate(end: number): Promise<void> {
    const chunk = this.options.preAllocSizeBytes;
    if (chunk <= 0 || this.file === undefined || end + PAD_MARGIN_BYTES < this.allocated) return;
    let size = this.allocated;
    while (end + PAD_MARGIN_BYTES >= size) size = end > size ? end + chunk - ((end + chunk) % chunk) : size + chunk;
    await this.file.write(Buffer.alloc(1), 0, 1, size - 1);
    this.allocated = size;
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (file === undefined) return;
    if (this.options.forceSync) await file.datasync();
    await file.close();
  }
}
