import { connect, createServer, type Socket } from 'node:net';
import type { RecordedPeerConnection } from './types.js';

/**
 * A loopback forwarder behind each startTcpProxy of the peer mesh. It does two things the kit's
 * proxy does not:
 *
 * - Keeps every byte, raw (`record`). The kit's proxy records length-prefixed frames only, and
 *   peer links are not framed that way (an election connection opens with an 8-byte protocol
 *   version; QuorumPackets are bare jute records), so its recorder would stop at once.
 * - On election links, rewrites the address in the dialer's initial message. A server that
 *   receives a connection from a smaller sid drops it and dials back at the address that message
 *   names (QuorumCnxManager.handleConnection: connectOne(sid, electionAddr)), which is the
 *   dialer's real port: the dial-back would bypass the mesh and a partition would leak.
 * - Retries the upstream connect for `connectRetryMs` while holding the dialer's bytes. A proxy
 *   accepts before it knows whether the target listens, so "connection refused" would turn into
 *   "connected, then closed". A ZooKeeper learner retries a refused connect to a leader that is
 *   still opening its quorum port (for initLimit ticks), but gives up on a connection that
 *   closes, and goes back to LOOKING while the leader waits for it: a 5-10 s detour that exists
 *   only because of the proxy. Retrying here keeps the learner's view the same as without one.
 */
export interface PeerRelay {
  readonly port: number;
  readonly connections: readonly RecordedPeerConnection[];
  close(): Promise<void>;
}

export interface PeerRelayOptions {
  readonly record: boolean;
  /** 0: one attempt, a refused connect closes the dialer's connection. */
  readonly connectRetryMs: number;
  /**
   * Election links only: the `host:port` the target must dial to reach the dialer through the
   * mesh, written into the dialer's initial message in place of its real election address
   * (see rewriteInitialMessage). Read when a connection opens, so the mesh can set it up later.
   */
  readonly electionAddress?: () => string;
}

interface MutableConnection {
  readonly openedAtMs: number;
  readonly sentChunks: Buffer[];
  readonly receivedChunks: Buffer[];
  readonly chunks: Array<{ direction: 'sent' | 'received'; atMs: number; bytes: Buffer }>;
}

const RETRY_INTERVAL_MS = 50;

function snapshot(c: MutableConnection): RecordedPeerConnection {
  return { openedAtMs: c.openedAtMs, sent: Buffer.concat(c.sentChunks), received: Buffer.concat(c.receivedChunks), chunks: [...c.chunks] };
}

function pipe(from: Socket, to: Socket, record: ((chunk: Buffer) => void) | undefined, transform?: (chunk: Buffer) => Buffer): void {
  from.on('data', (chunk: Buffer) => {
    record?.(chunk);
    const out = transform === undefined ? chunk : transform(chunk);
    if (out.length > 0) to.write(out);
  });
  from.on('end', () => to.end());
}

export async function startPeerRelay(target: { host: string; port: number }, options: PeerRelayOptions): Promise<PeerRelay> {
  const recorded: MutableConnection[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const relay = (dialer: Socket): void => {
    dialer.pause();
    sockets.add(dialer);
    dialer.on('error', () => dialer.destroy());
    dialer.on('close', () => sockets.delete(dialer));
    const connection: MutableConnection | undefined = options.record ? { openedAtMs: Date.now(), sentChunks: [], receivedChunks: [], chunks: [] } : undefined;
    if (connection !== undefined) recorded.push(connection);
    const giveUpAt = Date.now() + options.connectRetryMs;

    const attempt = (): void => {
      if (closed || dialer.destroyed) return;
      const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
      sockets.add(upstream);
      upstream.once('error', () => {
        // Never connected (refused): retry while the window lasts, else end the dialer's connection.
        upstream.destroy();
        sockets.delete(upstream);
        if (Date.now() < giveUpAt && !dialer.destroyed && !closed) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            attempt();
          }, RETRY_INTERVAL_MS);
          timers.add(timer);
          return;
        }
        dialer.destroy();
      });
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        if (dialer.destroyed) {
          // The dialer gave up while we were still connecting.
          upstream.destroy();
          sockets.delete(upstream);
          return;
        }
        const record = (direction: 'sent' | 'received', sink: Buffer[]) =>
          connection === undefined
            ? undefined
            : (chunk: Buffer) => {
                sink.push(chunk);
                connection.chunks.push({ direction, atMs: Date.now(), bytes: chunk });
              };
        const address = options.electionAddress?.();
        pipe(dialer, upstream, record('sent', connection?.sentChunks ?? []), address === undefined ? undefined : initialMessageRewriter(address));
        pipe(upstream, dialer, record('received', connection?.receivedChunks ?? []));
        // A peer that dies mid-connection is the point of these tests: never throw, end the pair.
        upstream.on('error', () => {
          upstream.destroy();
          dialer.destroy();
        });
        dialer.on('error', () => upstream.destroy());
        upstream.on('close', () => {
          sockets.delete(upstream);
          dialer.destroySoon();
        });
        dialer.on('close', () => upstream.destroySoon());
        dialer.resume();
      });
    };
    attempt();
  };

  const server = createServer({ allowHalfOpen: true }, relay);
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: target.host, port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('peer relay has no TCP address');
  let closing: Promise<void> | undefined;
  return {
    port: address.port,
    get connections() {
      return recorded.map(snapshot);
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** Protocol versions of QuorumCnxManager's initial message that carry the sender's election address. */
const ADDRESS_PROTOCOLS = new Set([-65536n, -65535n]);
const MAX_ADDRESS_BYTES = 4096;

/**
 * Rewrites the election address of the first message on an election connection:
 * `long protocolVersion, long sid, int length, byte[length] "host:port[|host:port...]"` for
 * protocol versions -65536 and -65535; a non-negative first long is the bare sid of the oldest
 * protocol, passed through. Bytes are held until the header is complete, then everything flows
 * unchanged. Returns a stateful transform for one connection's dialer-to-target direction.
 */
export function initialMessageRewriter(address: string): (chunk: Buffer) => Buffer {
  let pending: Buffer | undefined = Buffer.alloc(0);
  return (chunk) => {
    if (pending === undefined) return chunk;
    const buffered: Buffer = Buffer.concat([pending, chunk]);
    if (buffered.length < 8) {
      pending = buffered;
      return Buffer.alloc(0);
    }
    const version = buffered.readBigInt64BE(0);
    if (!ADDRESS_PROTOCOLS.has(version)) {
      pending = undefined;
      return buffered;
    }
    if (buffered.length < 20) {
      pending = buffered;
      return Buffer.alloc(0);
    }
    const length = buffered.readInt32BE(16);
    if (length < 0 || length > MAX_ADDRESS_BYTES) {
      pending = undefined;
      return buffered;
    }
    if (buffered.length < 20 + length) {
      pending = buffered;
      return Buffer.alloc(0);
    }
    pending = undefined;
    const replacement = Buffer.from(address, 'utf8');
    const header = Buffer.alloc(20);
    buffered.copy(header, 0, 0, 16);
    header.writeInt32BE(replacement.length, 16);
    return Buffer.concat([header, replacement, buffered.subarray(20 + length)]);
  };
}
