/**
 * Narrowing helpers for the untyped npm clients (node-zookeeper-client ships no types; the
 * `zookeeper` package may not be installed at all). Everything they hand back is `unknown` until
 * one of these checks it.
 */

export type ForeignFunction = (...args: unknown[]) => unknown;

export function isObjectLike(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** `target[name]` bound to `target`, or an error naming what was expected. */
export function boundMethod(target: unknown, name: string, what: string): ForeignFunction {
  const fn = isObjectLike(target) ? target[name] : undefined;
  if (typeof fn !== 'function') throw new Error(`${what}: expected a function ${name}()`);
  return fn.bind(target) as ForeignFunction;
}

/** A numeric property (e.g. a constant), or the fallback when it is absent. */
export function numberProperty(target: unknown, name: string, fallback: number): number {
  const value = isObjectLike(target) ? target[name] : undefined;
  return typeof value === 'number' ? value : fallback;
}

export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (isObjectLike(value) && typeof value.message === 'string') return new Error(value.message);
  return new Error(String(value));
}

export function errorMessage(value: unknown): string {
  return toError(value).message;
}

/** Resolves when `subscribe` reports, rejects after `timeoutMs` with `what` in the message. */
export function withTimeout<T>(what: string, timeoutMs: number, subscribe: (resolve: (value: T) => void, reject: (error: Error) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    subscribe(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
