import { avgLatency, javaHex } from './format.js';
import type { ConnectionStats, ServerStatsSource } from './stats-source.js';

/** InetSocketAddress.toString as ZooKeeper prints a client: `/127.0.0.1:56724`. */
export function socketAddress(c: ConnectionStats): string {
  return `/${c.remoteAddress}:${c.remotePort}`;
}

/** ServerCnxn.dumpConnectionInfo: the brief form for `stat`, the full one for `cons`. */
export function connectionLine(c: ConnectionStats, brief: boolean): string {
  let line = ` ${socketAddress(c)}[${c.interestOps === 0 ? '0' : c.interestOps.toString(16)}](queued=${c.outstandingRequests},recved=${c.packetsReceived},sent=${c.packetsSent}`;
  if (!brief && c.sessionId !== 0n) {
    line += `,sid=0x${javaHex(c.sessionId)},lop=${c.lastOperation},est=${c.establishedAtMs},to=${c.sessionTimeoutMs}`;
    if (c.lastCxid >= 0) line += `,lcxid=0x${javaHex(c.lastCxid)}`;
    line += `,lzxid=0x${javaHex(c.lastZxid)},lresp=${c.lastResponseTimeMs},llat=${Math.round(c.lastLatencyMs)}`;
    line += `,minlat=${Math.round(c.latency.min)},avglat=${Math.floor(c.latency.avg)},maxlat=${Math.round(c.latency.max)}`;
  }
  return `${line})\n`;
}

/** ServerStats.toString plus the node count, the body shared by `srvr` and `stat`. */
function serverStatsText(source: ServerStatsSource): string {
  const l = source.requestLatency();
  return [
    `Latency min/avg/max: ${Math.round(l.min)}/${avgLatency(l.avg)}/${Math.round(l.max)}`,
    `Received: ${source.packetsReceived()}`,
    `Sent: ${source.packetsSent()}`,
    `Connections: ${source.connections().length}`,
    `Outstanding: ${source.outstandingRequests()}`,
    `Zxid: 0x${javaHex(source.lastProcessedZxid())}`,
    `Mode: ${source.serverState()}`,
    `Node count: ${source.nodeCount()}`,
    '',
  ].join('\n');
}

function versionLine(source: ServerStatsSource): string {
  return `Zookeeper version: ${source.version}\n${source.readOnly() ? 'READ-ONLY mode; serving only read-only clients\n' : ''}`;
}

/** `srvr`: version and server statistics. */
export function srvrText(source: ServerStatsSource): string {
  return versionLine(source) + serverStatsText(source);
}

/** `stat`: `srvr` plus the brief list of clients. */
export function statText(source: ServerStatsSource): string {
  const clients = source.connections().map((c) => connectionLine(c, true)).join('');
  return `${versionLine(source)}Clients:\n${clients}\n${serverStatsText(source)}`;
}

/** `cons`: every connection in full, then a blank line. */
export function consText(source: ServerStatsSource): string {
  return `${source.connections().map((c) => connectionLine(c, false)).join('')}\n`;
}
