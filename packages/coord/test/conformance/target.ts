import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apacheZooKeeperAvailable, startApacheZooKeeper, startServer } from '../../src/testing/index.js';

/**
 * A server implementation the conformance suite runs against. The suite talks to a target only
 * through the connect string it returns (and the client and testing kit), so a new
 * implementation is added by appending one entry to `allTargets`.
 */
export interface ConformanceTarget {
  readonly name: string;
  start(options?: { tickTimeMs?: number }): Promise<{ connectString: string; stop(): Promise<void> }>;
  /** Why the target cannot run on this machine (a missing install), or undefined when it can. */
  unavailable?(): string | undefined;
}

const apacheZooKeeper: ConformanceTarget = {
  name: 'apache-zookeeper',
  async start(options = {}) {
    const server = await startApacheZooKeeper(options.tickTimeMs === undefined ? {} : { tickTimeMs: options.tickTimeMs });
    return { connectString: server.connectString, stop: () => server.stop() };
  },
  unavailable: () =>
    apacheZooKeeperAvailable() ? undefined : 'requires Apache ZooKeeper: apt-get install zookeeper (or set ZOOKEEPER_HOME), and a JVM on PATH',
};

/** coord's own server, in this process: the embedded default. */
const coordStandalone: ConformanceTarget = {
  name: 'coord-standalone',
  async start(options = {}) {
    const server = await startServer({ fourLetterWords: '*', maxClientConnections: 0, ...(options.tickTimeMs === undefined ? {} : { tickTimeMs: options.tickTimeMs }) });
    return { connectString: server.connectString, stop: () => server.stop() };
  },
};

/** coord's server with a dataDir and fsync on: every reply waits for the txn log. */
const coordDurable: ConformanceTarget = {
  name: 'coord-durable',
  async start(options = {}) {
    const dataDir = await mkdtemp(join(tmpdir(), 'coord-conformance-'));
    const server = await startServer({
      dataDir,
      forceSync: true,
      preAllocSizeBytes: 1024 * 1024,
      fourLetterWords: '*',
      maxClientConnections: 0,
      ...(options.tickTimeMs === undefined ? {} : { tickTimeMs: options.tickTimeMs }),
    });
    return {
      connectString: server.connectString,
      stop: async () => {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
};

/** A 3-member coord ensemble in this process; clients go to the leader or to a follower. */
function coordEnsemble(side: 'leader' | 'follower'): ConformanceTarget {
  return {
    name: `coord-ensemble-${side}`,
    async start(options = {}) {
      const { QuorumFixture, settled } = await import('../integration/quorum-members.js');
      const fixture = new QuorumFixture();
      const tickTimeMs = options.tickTimeMs ?? 200;
      const members = await fixture.start(3, { tickTimeMs, minSessionTimeoutMs: 2 * tickTimeMs, maxSessionTimeoutMs: 20 * tickTimeMs, fourLetterWords: '*', maxClientConnections: 0, forceSync: false });
      const { leader, followers } = await settled(members);
      const target = side === 'leader' ? leader : (followers[0] as typeof leader);
      return { connectString: target.connectString, stop: () => fixture.teardown() };
    },
  };
}

/** Every known target, in the order they run. */
export const allTargets: readonly ConformanceTarget[] = [apacheZooKeeper, coordStandalone, coordDurable, coordEnsemble('leader'), coordEnsemble('follower')];

/**
 * The targets named by COORD_CONFORMANCE_TARGETS (comma-separated), or all of them when it is
 * unset or empty. An unknown name is an error rather than a silently empty run.
 */
export function selectTargets(known: readonly ConformanceTarget[], filter: string | undefined): ConformanceTarget[] {
  const names = (filter ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) return [...known];
  const unknown = names.filter((n) => !known.some((t) => t.name === n));
  if (unknown.length > 0) {
    throw new Error(`COORD_CONFORMANCE_TARGETS names unknown target(s) ${unknown.join(', ')}; known: ${known.map((t) => t.name).join(', ')}`);
  }
  return known.filter((t) => names.includes(t.name));
}

export const targets: ConformanceTarget[] = selectTargets(allTargets, process.env['COORD_CONFORMANCE_TARGETS']);

const warned = new Set<string>();

/**
 * Why a target's tests are skipped here, or undefined when they run. Outside CI a missing
 * install skips with a loud message; in CI (CI=true) nothing is skipped, so the missing
 * install fails the run when the server cannot start.
 */
export function skipReason(target: ConformanceTarget): string | undefined {
  const reason = target.unavailable?.();
  if (reason === undefined) return undefined;
  if (process.env['CI'] === 'true') return undefined;
  if (!warned.has(target.name)) {
    warned.add(target.name);
    console.warn(`\n*** conformance target '${target.name}' SKIPPED: ${reason} ***\n*** (in CI, with CI=true, this is a failure) ***\n`);
  }
  return reason;
}

/** In CI a missing install is a failure; this is the message it fails with. */
export function requireAvailable(target: ConformanceTarget): void {
  const reason = target.unavailable?.();
  if (reason !== undefined) throw new Error(`conformance target '${target.name}' cannot run in CI: ${reason}`);
}
