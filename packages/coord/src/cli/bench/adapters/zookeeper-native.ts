import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import type { BenchClient, OpenOptions, OpenResult } from './types.js';
import { boundMethod, errorMessage, isObjectLike, numberProperty, withTimeout } from './foreign.js';

const require = createRequire(import.meta.url);
const WHAT = 'zookeeper (C binding)';
/**
 * ZOO_LOG_LEVEL_ERROR and ZOO_PERSISTENT of the C client, used when the module lacks the constants.
 * At WARN the addon prints "yield:zookeeper_process has returned no response" whenever a poll
 * finds nothing to read, which under load buries the progress lines.
 */
const LOG_LEVEL_ERROR = 1;
const PERSISTENT = 0;
const NOT_BUILT_HINT = ' (its install script did not run or failed: approve it with `npm install-scripts approve zookeeper`, then `npm rebuild zookeeper`; see docs/benchmarks.md)';

/** Loads the package by name (resolved from here, i.e. the workspace's node_modules) or from a directory. */
function load(specifier: string): unknown {
  const pathLike = specifier.startsWith('.') || isAbsolute(specifier);
  return require(pathLike ? resolve(specifier) : specifier);
}

function notInstalled(err: unknown): boolean {
  return isObjectLike(err) && err.code === 'MODULE_NOT_FOUND' && /Cannot find module/.test(errorMessage(err)) && !/node-gyp-build|\.node\b/.test(errorMessage(err));
}

/**
 * The `zookeeper` npm package (v7): a Node addon over the Apache ZooKeeper C client. It must be
 * compiled by node-gyp at install time; when it is absent or its addon failed to build, the
 * library is skipped with the loader's error as the reason.
 */
export async function openZookeeperNative(options: OpenOptions & { readonly moduleSpecifier: string }): Promise<OpenResult> {
  let ZooKeeper: unknown;
  try {
    ZooKeeper = load(options.moduleSpecifier);
  } catch (err) {
    const reason = notInstalled(err)
      ? `package "${options.moduleSpecifier}" is not installed (${firstLine(errorMessage(err))}); see docs/benchmarks.md to build it`
      : `cannot load "${options.moduleSpecifier}": ${firstLine(errorMessage(err))}${/No native build was found/.test(errorMessage(err)) ? NOT_BUILT_HINT : ''}`;
    return { ok: false, reason };
  }
  if (typeof ZooKeeper !== 'function') return { ok: false, reason: `"${options.moduleSpecifier}" does not export the ZooKeeper class` };
  const constants = isObjectLike(ZooKeeper) ? ZooKeeper.constants : undefined;
  const persistent = numberProperty(constants, 'ZOO_PERSISTENT', PERSISTENT);
  let zk: unknown;
  try {
    zk = Reflect.construct(ZooKeeper, [
      {
        connect: options.connectString,
        timeout: 30_000,
        debug_level: numberProperty(constants, 'ZOO_LOG_LEVEL_ERROR', LOG_LEVEL_ERROR),
        host_order_deterministic: false,
        data_as_buffer: true,
      },
    ]);
  } catch (err) {
    return { ok: false, reason: `cannot create a client: ${firstLine(errorMessage(err))}` };
  }
  const close = boundMethod(zk, 'close', WHAT);
  const aGet = boundMethod(zk, 'a_get', WHAT);
  const aSet = boundMethod(zk, 'a_set', WHAT);
  const aCreate = boundMethod(zk, 'a_create', WHAT);
  const aDelete = boundMethod(zk, 'a_delete_', WHAT);
  try {
    await withTimeout<void>(`${WHAT} connect`, options.connectTimeoutMs, (resolve, reject) => {
      boundMethod(zk, 'connect', WHAT)({}, (err: unknown) => (err === null || err === undefined ? resolve() : reject(new Error(errorMessage(err)))));
    });
  } catch (err) {
    close();
    return { ok: false, reason: errorMessage(err) };
  }

  // Callbacks are (rc, error, result...): rc 0 is ZOK. A negative return means the call was
  // refused before anything was sent (bad arguments, closed handle).
  const call = (fn: (cb: (rc: unknown, error: unknown, value?: unknown) => void) => unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const res = fn((rc, error, value) => (rc === 0 ? resolve(value) : reject(new Error(`${String(rc)} ${String(error)}`))));
      if (typeof res === 'number' && res < 0) reject(new Error(`${WHAT}: call refused with ${res}`));
    });

  const bench: BenchClient = {
    name: 'zookeeper',
    getData: (path) => call((cb) => aGet(path, false, cb)),
    setData: (path, data) => call((cb) => aSet(path, data, -1, cb)),
    create: (path, data) => call((cb) => aCreate(path, data, persistent, cb)),
    delete: (path) => call((cb) => aDelete(path, -1, cb)),
    close: async () => {
      close();
    },
  };
  return { ok: true, client: bench };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
