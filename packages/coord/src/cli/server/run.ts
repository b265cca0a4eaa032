import { readFile } from 'node:fs/promises';
import { ConfigError, describeSource, parseZooCfg, resolveServerConfig, type ConfigSetting, type ParsedServerConfig } from '../../config/index.js';
import { startServer, type CoordServer } from '../../server/server.js';
import { createServerLogger, type LogFormat, type LogLevel } from './logger.js';
import { toServerOptions } from './server-options.js';
import { startHttpEndpoints } from './endpoints.js';
import type { HttpEndpoint } from '../../server/admin/http-listen.js';

export interface RunServerOptions {
  /** zoo.cfg path; without one, flags and ZooKeeper's defaults make the whole config. */
  readonly configFile: string | undefined;
  readonly overrides: readonly ConfigSetting[];
  readonly inMemory: boolean;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
}

export const EXIT_OK = 0;
/** The server could not start (port in use, ...) or failed while running. */
export const EXIT_FAILED = 1;
/** The configuration is wrong: nothing was started. */
export const EXIT_CONFIG = 2;

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15 };

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

/** Resolves with the first stop signal; a second one while stopping exits at once (128 + signal). */
function nextStopSignal(onForced: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (!received) {
        received = true;
        resolve(signal);
        return;
      }
      onForced(signal);
      process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
    };
    for (const s of STOP_SIGNALS) process.on(s, handler);
  });
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
  if (config.mode === 'ensemble') {
    const message = `${config.file ?? 'the configuration'} names an ensemble (${config.quorum.servers.map((s) => `server.${s.id}`).join(', ')}); coord server runs standalone only so far: remove the server.N lines, or run an Apache ZooKeeper ensemble`;
    log.fatal(message);
    process.stderr.write(`coord server: ${message}\n`);
    return EXIT_CONFIG;
  }
  log.debug({ config }, 'configuration');

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
