import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Where an Apache ZooKeeper installation lives and how to put it on a JVM classpath.
 *
 * Two layouts are understood:
 * - `ZOOKEEPER_HOME` (the Apache binary tarball): every jar of `$ZOOKEEPER_HOME/lib` (or, for
 *   a directory of jars such as /usr/share/java, the directory itself), as zkEnv.sh does.
 * - The Debian package `zookeeper`: /usr/share/java/zookeeper.jar. Its manifest's Class-Path
 *   already names every runtime dependency (zookeeper-jute, netty-*, slf4j-api, jackson, jetty,
 *   metrics-core, snappy, commons-*), so the JVM resolves them itself; we add only an SLF4J
 *   binding, which the manifest leaves out (without one SLF4J falls back to a silent NOP logger).
 */
export interface ApacheZooKeeperInstall {
  /** The directory the jars were found in. */
  readonly home: string;
  /** Jars for `java -cp` (server and client classes, plus a logging binding when available). */
  readonly classpath: readonly string[];
  /** Which SLF4J binding is on the classpath, so callers can configure its level. */
  readonly logBinding: 'slf4j-simple' | 'logback' | 'none';
}

export const INSTALL_HINT =
  'Apache ZooKeeper was not found. Install it with `apt-get install -y zookeeper` (Debian/Ubuntu), ' +
  'or download the binary release and set ZOOKEEPER_HOME to its directory (the one holding lib/*.jar).';

const DEBIAN_JAVA_DIR = '/usr/share/java';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function jarsIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.jar'))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** The server jar is `zookeeper-<version>.jar` (tarball) or `zookeeper.jar` (Debian). */
function hasServerJar(jars: readonly string[]): boolean {
  return jars.some((jar) => /(^|[\\/])zookeeper(-\d[\w.-]*)?\.jar$/.test(jar) && !/-(tests|sources|javadoc)\.jar$/.test(jar));
}

function bindingOf(jars: readonly string[]): ApacheZooKeeperInstall['logBinding'] {
  if (jars.some((jar) => /logback-classic[^/\\]*\.jar$/.test(jar))) return 'logback';
  if (jars.some((jar) => /slf4j-simple[^/\\]*\.jar$/.test(jar))) return 'slf4j-simple';
  return 'none';
}

function fromHome(home: string): ApacheZooKeeperInstall | undefined {
  for (const dir of [join(home, 'lib'), home]) {
    const jars = jarsIn(dir);
    if (!hasServerJar(jars)) continue;
    // The tarball's lib/ holds exactly one runtime (zookeeper, jute, netty, slf4j + logback);
    // a shared directory like /usr/share/java holds far more, so there take only the server jar
    // and let its manifest pull in the rest.
    if (dir === DEBIAN_JAVA_DIR) return fromDebian();
    return { home: dir, classpath: jars, logBinding: bindingOf(jars) };
  }
  return undefined;
}

function fromDebian(): ApacheZooKeeperInstall | undefined {
  const serverJar = join(DEBIAN_JAVA_DIR, 'zookeeper.jar');
  if (!isFile(serverJar)) return undefined;
  const simple = join(DEBIAN_JAVA_DIR, 'slf4j-simple.jar');
  const classpath = isFile(simple) ? [serverJar, simple] : [serverJar];
  return { home: DEBIAN_JAVA_DIR, classpath, logBinding: bindingOf(classpath) };
}

/**
 * Finds Apache ZooKeeper, or undefined. A ZOOKEEPER_HOME that is set but holds no server jar is
 * reported as missing rather than silently replaced by the Debian copy: the caller asked for it.
 */
export function locateApacheZooKeeper(env: NodeJS.ProcessEnv = process.env): ApacheZooKeeperInstall | undefined {
  const home = env['ZOOKEEPER_HOME'];
  if (home !== undefined && home !== '') return fromHome(home);
  return fromDebian();
}

/** `$JAVA_HOME/bin/java`, else the first `java` on PATH, else undefined. */
export function locateJava(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  const javaHome = env['JAVA_HOME'];
  if (javaHome !== undefined && javaHome !== '') candidates.push(join(javaHome, 'bin', 'java'));
  for (const dir of (env['PATH'] ?? '').split(delimiter)) if (dir !== '') candidates.push(join(dir, 'java'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (isFile(candidate)) return candidate;
    } catch {
      // not executable here; keep looking
    }
  }
  return undefined;
}

/** Whether tests that need Apache ZooKeeper can run here: an installation and a JVM to run it. */
export function apacheZooKeeperAvailable(): boolean {
  return locateApacheZooKeeper() !== undefined && locateJava() !== undefined;
}
