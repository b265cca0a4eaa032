/**
 * Small helpers shared by the fuzz campaign, its runner and the server load test: a GC handle
 * without --expose-gc on the command line, heap samples, deadlines, and a watch on the
 * process for errors that nobody caught.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * The V8 `gc()` function. Setting --expose-gc at run time makes it available to contexts
 * created afterwards, so this works under vitest workers too. undefined if V8 refuses.
 */
export function gcFunction(): (() => void) | undefined {
  const existing: unknown = Reflect.get(globalThis, 'gc');
  if (typeof existing === 'function') return () => void Reflect.apply(existing, globalThis, []);
  v8.setFlagsFromString('--expose-gc');
  const fn: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  return typeof fn === 'function' ? () => void Reflect.apply(fn, undefined, []) : undefined;
}

export interface HeapSample {
  readonly heapUsed: number;
  readonly arrayBuffers: number;
  readonly rss: number;
  /** Whether a full GC ran before the sample (else the numbers include garbage). */
  readonly collected: boolean;
}

/** Memory after full collections (two, with a turn of the event loop between for finalizers). */
export async function settledHeap(gc: (() => void) | undefined): Promise<HeapSample> {
  if (gc !== undefined) {
    gc();
    await new Promise<void>((resolve) => setImmediate(resolve));
    gc();
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, rss: m.rss, collected: gc !== undefined };
}

export const mib = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(1);

/** Rejects with `what` when `promise` has not settled within `timeoutMs`. */
export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every few milliseconds until it holds; rejects with `describe()` at the deadline. */
export async function pollUntil(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}

/** Records uncaughtException and unhandledRejection while installed. */
export function trackProcessErrors(): { readonly errors: unknown[]; dispose(): void } {
  const errors: unknown[] = [];
  const onError = (err: unknown) => void errors.push(err);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    errors,
    dispose() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

/** A promise with its resolve function, for events that a later await waits on. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
