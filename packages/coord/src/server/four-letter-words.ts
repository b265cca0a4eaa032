import type { ServerCore } from './zk-server.js';

/**
 * Four-letter words on the client port (FourLetterCommands), in Apache's output format so
 * health checks and monitoring scripts parse them. Gated by a whitelist as
 * `4lw.commands.whitelist` does; by default only `srvr` is allowed, as in ZooKeeper.
 */
export const FOUR_LETTER_WORDS = ['ruok', 'srvr', 'stat', 'mntr', 'isro'] as const;
export type FourLetterWord = (typeof FOUR_LETTER_WORDS)[number];

export const SERVER_VERSION = '3.8.0-coordlab, built on 1970-01-01 00:00 UTC';

export interface FourLetterWordContext {
  readonly core: ServerCore;
  readonly startedAtMs: number;
  readonly nowMs: () => number;
  readonly whitelist: ReadonlySet<string> | '*';
  readonly clients: () => string[];
}

function srvrBody(ctx: FourLetterWordContext): string[] {
  const { core } = ctx;
  return [
    `Latency min/avg/max: 0/0.0/0`,
    `Received: ${core.counters.packetsReceived}`,
    `Sent: ${core.counters.packetsSent}`,
    `Connections: ${core.connectionCount}`,
    `Outstanding: 0`,
    `Zxid: 0x${core.lastZxid.toString(16)}`,
    `Mode: standalone`,
    `Node count: ${core.tree.nodeCount}`,
  ];
}

function mntr(ctx: FourLetterWordContext): string {
  const { core } = ctx;
  const rows: [string, string | number][] = [
    ['zk_version', SERVER_VERSION],
    ['zk_server_state', 'standalone'],
    ['zk_ephemerals_count', core.tree.ephemeralCount],
    ['zk_num_alive_connections', core.connectionCount],
    ['zk_avg_latency', '0.0'],
    ['zk_outstanding_requests', 0],
    ['zk_znode_count', core.tree.nodeCount],
    ['zk_global_sessions', core.sessions.size],
    ['zk_packets_sent', core.counters.packetsSent],
    ['zk_packets_received', core.counters.packetsReceived],
    ['zk_watch_count', core.watches.data.size + core.watches.child.size],
    ['zk_min_latency', 0],
    ['zk_max_latency', 0],
    ['zk_approximate_data_size', core.tree.approximateDataSize],
    ['zk_uptime', ctx.nowMs() - ctx.startedAtMs],
  ];
  return rows.map(([k, v]) => `${k}\t${v}\n`).join('');
}

/** The answer to `word`, or undefined when it is not a four-letter word at all. */
export function answerFourLetterWord(ctx: FourLetterWordContext, word: string): string | undefined {
  if (!isFourLetterWord(word)) return undefined;
  if (ctx.whitelist !== '*' && !ctx.whitelist.has(word)) return `${word} is not executed because it is not in the whitelist.\n`;
  switch (word) {
    case 'ruok':
      return 'imok';
    case 'srvr':
      return [`Zookeeper version: ${SERVER_VERSION}`, ...srvrBody(ctx), ''].join('\n');
    case 'stat':
      return [`Zookeeper version: ${SERVER_VERSION}`, 'Clients:', ...ctx.clients().map((c) => ` ${c}`), '', ...srvrBody(ctx), ''].join('\n');
    case 'mntr':
      return mntr(ctx);
    case 'isro':
      return 'rw';
  }
}

function isFourLetterWord(word: string): word is FourLetterWord {
  return (FOUR_LETTER_WORDS as readonly string[]).includes(word);
}
