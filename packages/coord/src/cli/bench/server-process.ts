/**
 * The coord server as its own process, for `coord bench server`: run with
 * `node <this file>` (the bench spawns it with process.execPath; see server-child.ts). It starts
 * a standalone coord server on a free loopback port and prints one JSON line on stdout,
 * `{"event":"ready","port":<port>,"pid":<pid>}`. Its arguments (see runnerConfigArgs in
 * server-child.ts) give a dataDir, forceSync and snapCount; without them it runs in memory.
 * It stops on SIGTERM, SIGINT, or when its stdin
 * closes (so it cannot outlive a bench that was killed), then exits with code 0, which also
 * lets `node --cpu-prof` write its profile.
 *
 * Not imported by anything: importing it would start a server.
 */
import { startServer } from '../../server/server.js';
import { parseRunnerConfig } from './server-child.js';

const config = parseRunnerConfig(process.argv.slice(2));
const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  ...(config.dataDir === undefined ? {} : { dataDir: config.dataDir }),
  ...(config.forceSync === undefined ? {} : { forceSync: config.forceSync }),
  ...(config.snapCount === undefined ? {} : { snapCount: config.snapCount }),
  // The bench opens a few connections at a time, but never let a limit decide a measurement.
  maxClientConnections: 0,
  fourLetterWords: '*',
});

let stopping = false;
const stop = (why: string): void => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`coord bench server process: stopping (${why})\n`);
  void server.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.stdin.on('end', () => stop('stdin closed'));
process.stdin.on('error', () => stop('stdin error'));
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ event: 'ready', port: server.port, pid: process.pid })}\n`);
