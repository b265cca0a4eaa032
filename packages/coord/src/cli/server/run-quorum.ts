import type { Logger } from 'pino';
import type { ServerConfig } from '../../config/index.js';
import { BadArgumentsError } from '../../errors/errors.js';
import type { HttpEndpoint } from '../../server/admin/http-listen.js';
import { quorumPeerOptions, startQuorumPeer, type QuorumPeer, type QuorumPeerOptions } from '../../quorum/node.js';
import { startHttpEndpoints } from './endpoints.js';
import { EXIT_CONFIG, EXIT_FAILED, EXIT_OK, nextStopSignal } from './process-exit.js';

/**
 * `coord server <zoo.cfg>` when the file names an ensemble (server.N lines): this process is the
 * member whose id `<dataDir>/myid` holds, as with ZooKeeper's QuorumPeerMain. Serves until
 * SIGTERM/SIGINT, then stops cleanly; a member that fails on its own (its disk) exits 1.
 */
export async function runQuorumMember(config: ServerConfig, log: Logger): Promise<number> {
  let options: QuorumPeerOptions;
  try {
    options = await quorumPeerOptions(config, (level, message) => log[level](message));
  } catch (err) {
    if (!(err instanceof BadArgumentsError)) throw err;
    log.fatal(err.message);
    process.stderr.write(`coord server: ${err.message}\n`);
    return EXIT_CONFIG;
  }
  const stopSignal = nextStopSignal((signal) => log.warn({ signal }, `received ${signal} again while stopping; exiting now`));
  let member: QuorumPeer;
  try {
    member = await startQuorumPeer(options);
  } catch (err) {
    log.fatal({ err }, `coord server (ensemble member ${options.myid}) could not start: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_FAILED;
  }
  const host = options.clientHost ?? '127.0.0.1';
  log.info({ host, port: member.clientPort, myid: member.id, tickTimeMs: config.tickTimeMs }, `coord server listening on ${host}:${member.clientPort}`);
  let endpoints: HttpEndpoint[];
  try {
    endpoints = await startHttpEndpoints(config, member.statsSource, log);
  } catch (err) {
    log.fatal({ err }, `coord server could not start its metrics endpoint: ${err instanceof Error ? err.message : String(err)}`);
    await member.stop();
    return EXIT_FAILED;
  }
  const outcome = await Promise.race([stopSignal, member.failed.then(() => 'failed' as const)]);
  if (outcome !== 'failed') log.info({ signal: outcome }, `received ${outcome}; stopping`);
  await Promise.all(endpoints.map((e) => e.close()));
  await member.stop();
  if (outcome === 'failed') {
    log.fatal(`coord server stopped: ${member.failure?.message ?? 'failed'}`);
    return EXIT_FAILED;
  }
  log.info('coord server stopped');
  return EXIT_OK;
}
