/**
 * The zoo.cfg of one ensemble member. Pure: it formats what it is given. Every member gets its
 * own file: with the proxy mesh, the addresses it lists for the OTHER members are the proxies it
 * alone dials, while its own line names the real ports it binds.
 */
import type { MemberRole } from './types.js';

export const LOOPBACK = '127.0.0.1';

export interface ServerLine {
  readonly id: number;
  readonly role: MemberRole;
  readonly host: string;
  readonly quorumPort: number;
  readonly electionPort: number;
  readonly clientPort: number;
}

export interface MemberConfig {
  readonly myid: number;
  readonly role: MemberRole;
  readonly dataDir: string;
  readonly clientPort: number;
  readonly tickTimeMs: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly forceSync: boolean;
  /** Every member's line as this member sees it (its own with real ports). */
  readonly servers: readonly ServerLine[];
  readonly extra: Readonly<Record<string, string>>;
}

/** `server.N=host:quorumPort:electionPort[:observer];clientPort` (ZooKeeper 3.5+ form). */
export function serverLine(line: ServerLine): string {
  const observer = line.role === 'observer' ? ':observer' : '';
  return `${line.host}:${line.quorumPort}:${line.electionPort}${observer};${LOOPBACK}:${line.clientPort}`;
}

export function memberZooCfg(config: MemberConfig): string {
  const entries: Record<string, string> = {
    tickTime: String(config.tickTimeMs),
    initLimit: String(config.initLimit),
    syncLimit: String(config.syncLimit),
    dataDir: config.dataDir,
    clientPort: String(config.clientPort),
    clientPortAddress: LOOPBACK,
    '4lw.commands.whitelist': '*',
    'admin.enableServer': 'false',
    // Drills and benches open many connections from one address; the default cap is 60.
    maxClientCnxns: '0',
    forceSync: config.forceSync ? 'yes' : 'no',
    // Static membership: a follower must not adopt the leader's view of the (proxied) addresses.
    reconfigEnabled: 'false',
    ...(config.role === 'observer' ? { peerType: 'observer' } : {}),
    ...config.extra,
  };
  for (const line of config.servers) entries[`server.${line.id}`] = serverLine(line);
  return Object.entries(entries)
    .map(([key, value]) => {
      if (/[\r\n]/.test(key + value)) throw new Error(`zoo.cfg entry ${key} contains a line break`);
      return `${key}=${value}\n`;
    })
    .join('');
}

/** What `srvr` prints as "Mode: ...", or undefined for a server that does not serve. */
export function parseSrvrMode(srvr: string): 'leader' | 'follower' | 'observer' | 'standalone' | undefined {
  const mode = /^Mode: (\w+)/m.exec(srvr)?.[1];
  return mode === 'leader' || mode === 'follower' || mode === 'observer' || mode === 'standalone' ? mode : undefined;
}

/** The epoch (high 32 bits) of srvr's "Zxid: 0x..." line, or -1 when absent. */
export function parseSrvrEpoch(srvr: string): number {
  const hex = /^Zxid: 0x([0-9a-f]+)/im.exec(srvr)?.[1];
  return hex === undefined ? -1 : Number(BigInt(`0x${hex}`) >> 32n);
}
