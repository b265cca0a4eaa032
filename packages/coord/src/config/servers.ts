import { BadValue } from './values.js';

/**
 * `server.N` lines, parsed now and kept for the ensemble work. Format (ZooKeeper 3.5+,
 * QuorumPeer.QuorumServer):
 *   server.<id>=<host>:<quorumPort>:<electionPort>[:participant|observer][;[<clientHost>:]<clientPort>]
 * IPv6 hosts are written in brackets. The `a|b` multi-address form (3.6) is not supported yet.
 */

export const QuorumRole = { participant: 'participant', observer: 'observer' } as const;
export type QuorumRole = (typeof QuorumRole)[keyof typeof QuorumRole];

export interface QuorumServerSpec {
  /** The N of server.N (the myid of that server). */
  readonly id: number;
  readonly host: string;
  /** Followers connect to the leader here (2888 by convention). */
  readonly quorumPort: number;
  /** Leader election (3888 by convention). */
  readonly electionPort: number;
  readonly role: QuorumRole;
  /** The client endpoint from the `;` part, when given (dynamic reconfig style). */
  readonly clientHost?: string;
  readonly clientPort?: number;
}

/** Server ids go in the top byte of session ids and TTL handling reserves 255: 1..254. */
export const MAX_SERVER_ID = 254;

/** The id in `server.<id>`, or undefined when the key is not a server line at all. */
export function serverIdOfKey(key: string): string | undefined {
  return key.startsWith('server.') ? key.slice('server.'.length) : undefined;
}

export function parseServerId(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_SERVER_ID) {
    throw new BadValue(`expected server.<id> with id 1..${MAX_SERVER_ID}, got server.${text}`);
  }
  return Number(text);
}

function portOf(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new BadValue(`expected ${what} 1..65535, got ${JSON.stringify(text ?? '')}`);
  }
  return Number(text);
}

/** Splits `host:rest` where host may be `[v6]`. */
function splitHost(text: string): { host: string; rest: string[] } {
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) throw new BadValue(`expected a closing ] in ${JSON.stringify(text)}`);
    return { host: text.slice(1, end), rest: text.slice(end + 1).replace(/^:/, '').split(':') };
  }
  const [host = '', ...rest] = text.split(':');
  return { host, rest };
}

const FORMAT = 'host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]';

export function parseServerLine(id: number, value: string): QuorumServerSpec {
  if (value.includes('|')) throw new BadValue(`multiple addresses per server (a|b) are not supported yet; expected ${FORMAT}`);
  const [address = '', client] = value.split(';', 2).map((s) => s.trim());
  const { host, rest } = splitHost(address);
  if (host === '') throw new BadValue(`expected ${FORMAT}, got ${JSON.stringify(value)}`);
  if (rest.length < 2 || rest.length > 3) throw new BadValue(`expected ${FORMAT}, got ${JSON.stringify(value)}`);
  const quorumPort = portOf(rest[0], 'a quorum port');
  const electionPort = portOf(rest[1], 'an election port');
  const roleText = rest[2] ?? QuorumRole.participant;
  if (roleText !== QuorumRole.participant && roleText !== QuorumRole.observer) {
    throw new BadValue(`expected role participant or observer, got ${JSON.stringify(roleText)}`);
  }
  const spec: QuorumServerSpec = { id, host, quorumPort, electionPort, role: roleText };
  if (client === undefined || client === '') return spec;
  const colon = client.lastIndexOf(':');
  const clientHost = colon < 0 ? undefined : client.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const clientPort = portOf(colon < 0 ? client : client.slice(colon + 1), 'a client port');
  return clientHost === undefined ? { ...spec, clientPort } : { ...spec, clientHost, clientPort };
}
