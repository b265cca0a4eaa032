import { BadArgumentsError } from '../errors/errors.js';
import { validatePath } from '../util/paths.js';

export interface HostAddress {
  readonly host: string;
  readonly port: number;
}

export interface ParsedConnectString {
  readonly hosts: readonly HostAddress[];
  /** Server-side prefix for every path, or undefined for none. */
  readonly chroot: string | undefined;
}

const DEFAULT_PORT = 2181;

/**
 * Parses `host:port,host:port/chroot` (IPv6 as `[::1]:2181`; port defaults to 2181), as the
 * Java client's ConnectStringParser does.
 */
export function parseConnectString(connectString: string): ParsedConnectString {
  const bad = (why: string) => new BadArgumentsError({ message: `invalid connect string ${JSON.stringify(connectString)}: ${why}` });
  const trimmed = connectString.trim();
  let hostPart = trimmed;
  let chroot: string | undefined;
  const slash = trimmed.indexOf('/');
  if (slash >= 0) {
    hostPart = trimmed.slice(0, slash);
    const root = trimmed.slice(slash);
    if (root !== '/') {
      try {
        chroot = validatePath(root);
      } catch {
        throw bad(`chroot ${JSON.stringify(root)} is not a valid path`);
      }
    }
  }
  const hosts: HostAddress[] = [];
  for (const raw of hostPart.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    let host: string;
    let portText: string | undefined;
    if (entry.startsWith('[')) {
      const end = entry.indexOf(']');
      if (end < 0) throw bad(`unclosed IPv6 bracket in "${entry}"`);
      host = entry.slice(1, end);
      const rest = entry.slice(end + 1);
      if (rest !== '' && !rest.startsWith(':')) throw bad(`unexpected "${rest}" after IPv6 address`);
      portText = rest === '' ? undefined : rest.slice(1);
    } else {
      const colon = entry.lastIndexOf(':');
      host = colon < 0 ? entry : entry.slice(0, colon);
      portText = colon < 0 ? undefined : entry.slice(colon + 1);
    }
    // Decimal digits only: Number() would also read "0x50", "1e3" or "0b1" as a port.
    const port = portText === undefined ? DEFAULT_PORT : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (host === '') throw bad(`empty host in "${entry}"`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port "${portText ?? ''}" in "${entry}" is not 1..65535`);
    hosts.push({ host, port });
  }
  if (hosts.length === 0) throw bad('no hosts');
  return { hosts, chroot };
}
