/**
 * Compiles java/InteropSession.java against the installed ZooKeeper client jar (the classpath the
 * testing kit uses for the server: the Debian zookeeper.jar, whose manifest names its own
 * dependencies, plus slf4j-simple) and runs it against a server, returning its transcript.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineProcess, runToCompletion } from './line-process.js';

const SOURCE = fileURLToPath(new URL('./java/InteropSession.java', import.meta.url));
const COMPILE_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 60_000;

export interface CompiledProgram {
  readonly classpath: string;
  remove(): Promise<void>;
}

export async function compileInteropSession(javac: string, zooKeeperClasspath: readonly string[]): Promise<CompiledProgram> {
  const dir = await mkdtemp(join(tmpdir(), 'coordlab-interop-java-'));
  try {
    await runToCompletion('javac', javac, ['-d', dir, '-cp', zooKeeperClasspath.join(':'), SOURCE], COMPILE_TIMEOUT_MS);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    classpath: [dir, ...zooKeeperClasspath].join(':'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs the program to its "DONE" line and exit 0; resolves with its stdout lines. */
export async function runInteropSession(java: string, program: CompiledProgram, connectString: string, name: string): Promise<string[]> {
  const args = [
    '-Xmx128m',
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-XX:-UsePerfData',
    '-Dzookeeper.sasl.client=false',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-Dorg.slf4j.simpleLogger.logFile=System.err',
    '-cp',
    program.classpath,
    'InteropSession',
    connectString,
  ];
  // stderr (the client's warnings) is collected apart from the transcript, which is stdout.
  const p = new LineProcess(name, java, args);
  p.end();
  const exit = await p.waitForExit(RUN_TIMEOUT_MS);
  const stdout = p.byStream.stdout;
  if (exit.code !== 0 || !stdout.includes('DONE')) throw new Error(`${name}: InteropSession failed (exit ${String(exit.code)})\n${p.text()}`);
  return [...stdout];
}
