import { ErrorCode } from '../../errors/codes.js';
import { CoordError } from '../../errors/errors.js';
import type { WatchEvent } from '../../client/types.js';
import { UsageError } from './usage-error.js';

/** zkCli's wording for the errors people meet at the prompt (CliWrapperException), by code. */
const WORDING: ReadonlyMap<number, string> = new Map([
  [ErrorCode.NONODE, 'Node does not exist: '],
  [ErrorCode.NODEEXISTS, 'Node already exists: '],
  [ErrorCode.NOTEMPTY, 'Node not empty: '],
  [ErrorCode.BADVERSION, 'version No is not valid : '],
  [ErrorCode.NOAUTH, 'Insufficient permission : '],
  [ErrorCode.INVALIDACL, 'Acl is not valid : '],
  [ErrorCode.BADARGUMENTS, 'Arguments are not valid : '],
  [ErrorCode.NOCHILDRENFOREPHEMERALS, 'Ephemeral nodes may not have children: '],
  [ErrorCode.UNIMPLEMENTED, 'The server does not implement this operation: '],
]);

/**
 * The one line the shell prints for a failed command: zkCli's wording where it has one, always
 * with the path (when the operation had one) and ZooKeeper's code name
 * (`Node does not exist: /x (NONODE)`). Errors the client raised with a message of its own keep it.
 */
export function describeError(error: unknown): string {
  if (error instanceof UsageError) return error.message;
  if (error instanceof CoordError) {
    const path = error.path;
    const wording = WORDING.get(error.code);
    const isDefaultMessage = error.message.startsWith(`${error.codeName} (${error.code})`);
    if (wording !== undefined && isDefaultMessage) {
      return `${path === undefined ? wording.replace(/\s*:\s*$/, '') : wording + path} (${error.codeName})`;
    }
    const where = path !== undefined && !error.message.includes(path) ? `: ${path}` : '';
    const code = error.message.includes(error.codeName) ? '' : ` (${error.codeName})`;
    return `${error.message}${where}${code}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A watch event as zkCli's default watcher prints it (WatchedEvent#toString). */
export function formatWatchedEvent(event: WatchEvent, readOnly: boolean): string[] {
  return ['WATCHER::', `WatchedEvent state:${readOnly ? 'ConnectedReadOnly' : 'SyncConnected'} type:${event.type} path:${event.path}`];
}

/** A list as Java's List#toString prints it: `[a, b]`. */
export function formatJavaList(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

/**
 * `config -c`: the dynamic configuration reduced to what a client needs, as ZooKeeper's
 * ConfigUtils.getClientConfigStr does: `<version> host:clientPort,...`. A server line is
 * `server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort]`; servers without a
 * client port are left out, and a client port without a host takes the server's host.
 */
export function clientConfigString(config: string): string {
  let version = '';
  const servers: string[] = [];
  for (const rawLine of config.split('\n')) {
    const line = rawLine.trim();
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === 'version') version = value;
    if (!key.startsWith('server.')) continue;
    const semi = value.indexOf(';');
    if (semi < 0) continue;
    const client = value.slice(semi + 1).trim();
    const colon = client.lastIndexOf(':');
    const serverHost = value.slice(0, semi).split(':')[0] ?? '';
    servers.push(colon < 0 ? `${serverHost}:${client}` : client);
  }
  return `${version} ${servers.join(',')}`;
}
