import { environment } from './environment.js';
import { DEFAULT_TRACE_MASK } from './four-letter.js';
import { sessionsByExpiry } from './dump-text.js';
import type { JsonValue } from './json.js';
import { monitorRows } from './monitor.js';
import { serverStatsJson, connectionJson } from './stats-json.js';
import type { ServerStatsSource } from './stats-source.js';
import { watchesByPath, watchesBySession, watchSummary } from './watch-text.js';

type JsonObject = Record<string, JsonValue>;

/** Per-AdminServer state a command may change (`set_trace_mask`). */
export interface CommandState {
  traceMask: number;
}

export interface AdminCommand {
  /** Primary name first, then aliases (Commands.java). */
  readonly names: readonly string[];
  run(source: ServerStatsSource, params: ReadonlyMap<string, string>, state: CommandState): JsonObject;
}

const command = (names: readonly string[], run: AdminCommand['run']): AdminCommand => ({ names, run });

/** ZooKeeper 3.8's AdminServer commands (Commands.java), with their aliases. */
export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  command(['connection_stat_reset', 'crst'], (s) => {
    s.resetConnectionStats();
    return {};
  }),
  command(['configuration', 'conf', 'config'], (s) => {
    const c = s.config();
    return {
      client_port: c.clientPort,
      data_dir: c.dataDir,
      data_log_dir: c.dataLogDir,
      tick_time: c.tickTimeMs,
      max_client_cnxns: c.maxClientCnxns,
      min_session_timeout: c.minSessionTimeoutMs,
      max_session_timeout: c.maxSessionTimeoutMs,
      server_id: c.serverId,
      client_port_listen_backlog: c.clientPortListenBacklog,
    };
  }),
  command(['connections', 'cons'], (s) => ({ connections: s.connections().map((c) => connectionJson(c, false)), secure_connections: [] })),
  command(['dirs'], (s) => ({ datadir_size: s.dataDirSizeBytes(), logdir_size: s.logDirSizeBytes() })),
  command(['dump'], (s) => ({
    expiry_time_to_session_ids: Object.fromEntries(sessionsByExpiry(s).map(([at, ids]) => [String(at), ids])),
    session_id_to_ephemeral_paths: Object.fromEntries([...s.ephemerals()].map(([owner, paths]) => [owner.toString(), [...paths]])),
  })),
  command(['environment', 'env', 'envi'], (s) => Object.fromEntries(environment(s.version))),
  command(['get_trace_mask', 'gtmk'], (_s, _p, state) => ({ tracemask: state.traceMask })),
  command(['hash'], () => ({ digests: [] })),
  command(['initial_configuration', 'icfg'], (s) => ({ initial_configuration: s.config().initialConfiguration })),
  command(['is_read_only', 'isro'], (s) => ({ read_only: s.readOnly() })),
  // No snapshots are taken yet: the last one is the empty tree at zxid 0.
  command(['last_snapshot', 'lsnp'], () => ({ zxid: '0', timestamp: 0 })),
  // A standalone server has no leader; ZooKeeper answers exactly this.
  command(['leader', 'lead'], () => ({ error: 'server is not initialized' })),
  command(['monitor', 'mntr'], (s) => Object.fromEntries(monitorRows(s))),
  command(['observer_connection_stat_reset', 'orst'], () => ({})),
  command(['ruok'], () => ({})),
  command(['set_trace_mask', 'stmk'], (_s, params, state): JsonObject => {
    const raw = params.get('traceMask');
    if (raw === undefined || !/^-?\d+$/.test(raw)) return { error: 'setTraceMask requires long traceMask argument' };
    state.traceMask = Number(raw);
    return { tracemask: state.traceMask };
  }),
  command(['server_stats', 'srvr'], (s) => serverStatsJson(s)),
  command(['stats', 'stat'], (s) => ({ ...serverStatsJson(s), connections: s.connections().map((c) => connectionJson(c, true)), secure_connections: [] })),
  command(['stat_reset', 'srst'], (s) => {
    s.resetServerStats();
    return {};
  }),
  command(['observers', 'obsr'], () => ({ synced_observers: 0, observers: [] })),
  command(['system_properties', 'sysp'], (s) => Object.fromEntries(environment(s.version).sort(([a], [b]) => (a < b ? -1 : 1)))),
  command(['voting_view'], () => ({ current_config: {} })),
  command(['watches', 'wchc'], (s) => ({
    session_id_to_watched_paths: Object.fromEntries(watchesBySession(s).map(({ sessionId, paths }) => [sessionId.toString(), paths])),
  })),
  command(['watches_by_path', 'wchp'], (s) => ({ path_to_session_ids: Object.fromEntries(watchesByPath(s)) })),
  command(['watch_summary', 'wchs'], (s) => {
    const w = watchSummary(s);
    return { num_connections: w.connections, num_paths: w.paths, num_total_watches: w.total };
  }),
  command(['zabstate'], () => ({ voting: false, zabstate: '' })),
];

const BY_NAME = new Map(ADMIN_COMMANDS.flatMap((c) => c.names.map((n) => [n, c] as const)));

export function newCommandState(): CommandState {
  return { traceMask: DEFAULT_TRACE_MASK };
}

/**
 * Runs `name` as Commands.runCommand does and returns CommandResponse.toMap(): the command's
 * fields, then `command` (the primary name) and `error`; an unknown name gives only those two.
 * A command that reports an error puts it first, as ZooKeeper's data map does.
 */
export function runAdminCommand(source: ServerStatsSource, name: string, params: ReadonlyMap<string, string>, state: CommandState): JsonObject {
  const cmd = BY_NAME.get(name);
  if (cmd === undefined) return { command: name, error: `Unknown command: ${name}` };
  const primary = cmd.names[0] ?? name;
  const data = cmd.run(source, params, state);
  if ('error' in data) return { ...data, command: primary };
  return { ...data, command: primary, error: null };
}

/** Primary names, sorted, as the `/commands` link list shows them. */
export function adminCommandNames(): string[] {
  return ADMIN_COMMANDS.map((c) => c.names[0] ?? '').sort();
}

