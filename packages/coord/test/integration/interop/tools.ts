/**
 * Where the clients we did not write live, and the skip-or-fail rule of DESIGN.md §6: a missing
 * tool skips its tests with a loud message outside CI and fails the file in CI (CI=true).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { apacheZooKeeperAvailable, locateApacheZooKeeper } from '../../../src/testing/index.js';

export interface Requirement {
  readonly what: string;
  readonly found: boolean;
  readonly hint: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function firstExecutable(candidates: ReadonlyArray<string | undefined>): string | undefined {
  return candidates.find((c): c is string => c !== undefined && executable(c));
}

function fromHome(...parts: string[]): string | undefined {
  const home = process.env['ZOOKEEPER_HOME'];
  return home === undefined || home === '' ? undefined : join(home, ...parts);
}

/** zkCli.sh: $ZOOKEEPER_HOME/bin, else the Debian package's /usr/share/zookeeper/bin, else PATH. */
export function locateZkCli(): string | undefined {
  return firstExecutable([fromHome('bin', 'zkCli.sh'), '/usr/share/zookeeper/bin/zkCli.sh', onPath('zkCli.sh')]);
}

/** The multi-threaded C CLI: Debian's zookeeper-bin ships it outside PATH. */
export function locateCliMt(): string | undefined {
  return firstExecutable(['/usr/lib/zookeeper/bin/cli_mt', onPath('cli_mt')]);
}

/** A JDK tool (javac, java): $JAVA_HOME/bin first, then PATH. */
export function locateJdkTool(name: 'javac' | 'java'): string | undefined {
  const javaHome = process.env['JAVA_HOME'];
  return firstExecutable([javaHome === undefined || javaHome === '' ? undefined : join(javaHome, 'bin', name), onPath(name)]);
}

/** The classpath for compiling and running a Java program against the installed client jar. */
export function zooKeeperClasspath(): readonly string[] | undefined {
  return locateApacheZooKeeper()?.classpath;
}

export const APACHE_REQUIREMENT = (): Requirement => ({
  what: 'Apache ZooKeeper (the reference server)',
  found: apacheZooKeeperAvailable(),
  hint: 'apt-get install -y zookeeper, or set ZOOKEEPER_HOME',
});

/**
 * True when every requirement is met. Otherwise: in CI, throws (the file fails); elsewhere, prints
 * a banner naming what is missing and how to install it, and returns false so the suite skips.
 */
export function toolsPresent(suite: string, requirements: readonly Requirement[]): boolean {
  const missing = requirements.filter((r) => !r.found);
  if (missing.length === 0) return true;
  const list = missing.map((m) => `${m.what} (${m.hint})`).join('; ');
  if (process.env['CI'] === 'true') throw new Error(`${suite}: required in CI but missing: ${list}`);
  console.warn(`\n*** SKIPPING ${suite}: missing ${list} ***\n`);
  return false;
}
