import { readFile } from 'node:fs/promises';
import { ConfigError, describeSource, parseZooCfg, resolveServerConfig, type ConfigSetting, type ParsedServerConfig } from '../../config/index.js';
import { startServer, type CoordServer } from '../../server/server.js';
import { createServerLogger, type LogFormat, type LogLevel } from './logger.js';
import { toServerOptions } from './server-options.js';
import { startHttpEndpoints } from './endpoints.js';
import { runQuorumMember } from './run-quorum.js';
import { EXIT_CONFIG, EXIT_FAILED, EXIT_OK, nextStopSignal } from './process-exit.js';
import type { HttpEndpoint } from '../../server/admin/http-listen.js';

export interface RunServerOptions {
  /** zoo.cfg path; without one, flags and ZooKeeper's defaults make the whole config. */
  readonly configFile: string | undefined;
  readonly overrides: readonly ConfigSetting[];
  readonly inMemory: boolean;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
}

export { EXIT_CONFIG, EXIT_FAILED, EXIT_OK } from './process-exit.js';

async function loadConfig(options: RunServerOptions): Promise<ParsedServerConfig> {
  const resolve = { inMemory: options.inMemory };
  if (options.configFile === undefined) return resolveServerConfig(options.overrides, resolve);
  const text = await readFile(options.configFile, 'utf8');
  return parseZooCfg(text, { ...resolve, file: options.configFile, overrides: options.overrides });
}

/** The message for a bad or unreadable config; undefined for anything else (a bug: let it throw). */
function configFailure(err: unknown, file: string | undefined): string | undefined {
  if (err instanceof ConfigError) return err.message;
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  if (typeof code === 'string' && err instanceof Error) return `cannot read ${file ?? 'the config file'}: ${err.message}`;
  return undefined;
}

/** `coord server`: load and check the config, serve until SIGTERM/SIGINT, stop cleanly. Returns the exit code. */
export async function runServer(options: RunServerOptions): Promise<number> {
  const log = createServerLogger(options.logFormat, options.logLevel);
  let parsed: ParsedServerConfig;
  try {
    parsed = await loadConfig(options);
  } catch (err) {
    const message = configFailure(err, options.configFile);
    if (message === undefined) throw err;
    // Config problems are the operator's to fix: the message, not a stack, on stderr and in the log.
    log.fatal({ key: err instanceof ConfigError ? err.key : undefined }, message);
    process.stderr.write(`coord server: ${message}\n`);
    return EXIT_CONFIG;
  }
  const { config, warnings } = parsed;
  for (const w of warnings) log.warn({ key: w.key, source: describeSource(w.source) }, w.message);
  log.debug({ config }, 'configuration');
  if (config.mode === 'ensemble') return runQuorumMember(config, log);

  const stopSignal = nextStopSignal((signal) => log.warn({ signal }, `received ${signal} again while stopping; exiting now`));
  let server: CoordServer;
  try {
    server = await startServer(toServerOptions(config, log));
  } catch (err) {
    log.fatal({ err }, `coord server could not start on ${config.client.host}:${config.client.port}: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_FAILED;
  }
  log.info({ host: server.host, port: server.port, tickTimeMs: config.tickTimeMs }, `coord server listening on ${server.host}:${server.port}`);
  let endpoints: HttpEndpoint[];
  try {
    endpoints = await startHttpEndpoints(config, server.statsSource, log);
  } catch (err) {
    log.fatal({ err }, `coord server could not start its metrics endpoint: ${err instanceof Error ? err.message : String(err)}`);
    await server.stop();
    return EXIT_FAILED;
  }

  const signal = await stopSignal;
  log.info({ signal }, `received ${signal}; stopping`);
  // stop() refuses new connections at once, lets each connection flush its replies, then ends it.
  await Promise.all(endpoints.map((e) => e.close()));
  await server.stop();
  log.info('coord server stopped');
  return EXIT_OK;
}
