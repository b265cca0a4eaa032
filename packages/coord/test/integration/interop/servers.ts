/**
 * The two servers an interop file talks to: coord (startServer, the server under test) and,
 * when installed, Apache ZooKeeper (the reference the same scripted session runs against), plus
 * coord's own client as the "second client" that makes changes and checks results.
 */
import { createClient, type CoordClient, type CoordServer, type ServerOptions } from '../../../src/index.js';
import { startApacheZooKeeper, startServer, type ApacheZooKeeper } from '../../../src/testing/index.js';

export type TargetName = 'coord' | 'apache';

export interface Target {
  readonly name: TargetName;
  readonly connectString: string;
}

export interface InteropServers {
  readonly coord: CoordServer;
  readonly apache: ApacheZooKeeper | undefined;
  target(name: TargetName): Target;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Start Apache ZooKeeper too (callers pass whether it is installed). */
  readonly apache: boolean;
  /** How often both servers sweep empty containers and expired TTL nodes. Default: theirs (60 s). */
  readonly containerCheckIntervalMs?: number;
  readonly coordOptions?: ServerOptions;
}

/** Apache reads znode.container.checkIntervalMs as a JVM system property (ContainerManager), not from zoo.cfg. */
function startApacheWithSweepInterval(intervalMs: number | undefined): Promise<ApacheZooKeeper> {
  if (intervalMs === undefined) return startApacheZooKeeper();
  return startApacheZooKeeper({ systemProperties: { 'znode.container.checkIntervalMs': String(intervalMs) } });
}

export async function startInteropServers(options: StartOptions): Promise<InteropServers> {
  const coordOptions: ServerOptions = {
    fourLetterWords: '*',
    ...(options.containerCheckIntervalMs === undefined ? {} : { containerCheckIntervalMs: options.containerCheckIntervalMs }),
    ...options.coordOptions,
  };
  const [coord, apache] = await Promise.all([
    startServer(coordOptions),
    options.apache ? startApacheWithSweepInterval(options.containerCheckIntervalMs) : Promise.resolve(undefined),
  ]);
  return {
    coord,
    apache,
    target(name) {
      if (name === 'coord') return { name, connectString: coord.connectString };
      if (apache === undefined) throw new Error('Apache ZooKeeper was not started');
      return { name, connectString: apache.connectString };
    },
    async stop() {
      await Promise.all([coord.stop(), apache?.stop()]);
    },
  };
}

/** coord's client, connected, for the changes a scripted session waits on and for checks. */
export async function connectCoordClient(target: Target): Promise<CoordClient> {
  const client = createClient(target.connectString, { sessionTimeoutMs: 10_000 });
  try {
    await client.waitForConnected({ timeoutMs: 15_000 });
  } catch (err) {
    await client.close();
    throw err;
  }
  return client;
}

/**
 * Names of the children of `parent` that are ephemeral (owned by a session), sorted. Only the
 * children `candidate` accepts are inspected, so scripts can keep ACL-protected siblings out.
 */
export async function ephemeralChildren(client: CoordClient, parent: string, candidate: (name: string) => boolean = () => true): Promise<string[]> {
  const found: string[] = [];
  for (const child of (await client.getChildren(parent)).filter(candidate)) {
    const stat = await client.exists(`${parent}/${child}`);
    // Session ids have the server id (1..254) in the top byte; TTL and container markers 0x80+.
    if (stat !== null && stat.ephemeralOwner !== 0n && BigInt.asUintN(64, stat.ephemeralOwner) >> 63n === 0n) found.push(child);
  }
  return found.sort();
}

/**
 * Runs the same scenario against coord and (when started) Apache ZooKeeper at the same time, and
 * memoises the results so the per-target and the comparison tests share one run.
 */
export function scenario<T>(servers: () => InteropServers, run: (target: Target) => Promise<T>): { on(name: TargetName): Promise<T> } {
  const runs = new Map<TargetName, Promise<T>>();
  return {
    on(name) {
      let result = runs.get(name);
      if (result === undefined) {
        result = run(servers().target(name));
        runs.set(name, result);
      }
      return result;
    },
  };
}
