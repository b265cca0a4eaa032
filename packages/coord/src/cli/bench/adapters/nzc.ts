import { createRequire } from 'node:module';
import type { BenchClient, OpenOptions, OpenResult } from './types.js';
import { boundMethod, errorMessage, isObjectLike, numberProperty, toError, withTimeout } from './foreign.js';

const require = createRequire(import.meta.url);
const WHAT = 'node-zookeeper-client';
/** CreateMode.PERSISTENT in node-zookeeper-client (and in the protocol). */
const PERSISTENT = 0;
const CLOSE_TIMEOUT_MS = 2_000;

/**
 * node-zookeeper-client (pure JavaScript, callback API). Each call is wrapped in one Promise.
 * `retries: 0` so a failure surfaces instead of being retried inside the measurement.
 */
export async function openNzc(options: OpenOptions): Promise<OpenResult> {
  let mod: unknown;
  try {
    mod = require('node-zookeeper-client');
  } catch (err) {
    return { ok: false, reason: `cannot load ${WHAT}: ${errorMessage(err)}` };
  }
  const createClient = boundMethod(mod, 'createClient', WHAT);
  const createMode = isObjectLike(mod) ? mod.CreateMode : undefined;
  const persistent = numberProperty(createMode, 'PERSISTENT', PERSISTENT);
  const client = createClient(options.connectString, { sessionTimeout: 30_000, spinDelay: 100, retries: 0 });
  const once = boundMethod(client, 'once', WHAT);
  const close = boundMethod(client, 'close', WHAT);
  const getData = boundMethod(client, 'getData', WHAT);
  const setData = boundMethod(client, 'setData', WHAT);
  const create = boundMethod(client, 'create', WHAT);
  const remove = boundMethod(client, 'remove', WHAT);
  try {
    await withTimeout<void>(`${WHAT} connect`, options.connectTimeoutMs, (resolve) => {
      once('connected', () => resolve());
      boundMethod(client, 'connect', WHAT)();
    });
  } catch (err) {
    close();
    return { ok: false, reason: errorMessage(err) };
  }

  // Callbacks are (error, result...): error is null/undefined on success.
  const call = (fn: (cb: (err: unknown, value?: unknown) => void) => unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      fn((err, value) => (err === null || err === undefined ? resolve(value) : reject(toError(err))));
    });

  const bench: BenchClient = {
    name: 'nzc',
    getData: (path) => call((cb) => getData(path, cb)),
    setData: (path, data) => call((cb) => setData(path, data, -1, cb)),
    create: (path, data) => call((cb) => create(path, data, persistent, cb)),
    delete: (path) => call((cb) => remove(path, -1, cb)),
    close: async () => {
      const closed = withTimeout<void>(`${WHAT} close`, CLOSE_TIMEOUT_MS, (resolve) => {
        once('disconnected', () => resolve());
      });
      close();
      await closed.catch(() => undefined);
    },
  };
  return { ok: true, client: bench };
}
