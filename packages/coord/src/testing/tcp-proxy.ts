import { connect, createServer, type Socket } from 'node:net';
import { FrameReader, frame } from '../jute/frame-reader.js';

/** The frames seen on one proxied connection, each with its 4-byte length prefix. */
export interface RecordedConnection {
  readonly clientToServer: Buffer[];
  readonly serverToClient: Buffer[];
}

/**
 * A loopback TCP proxy in front of a server, for fault injection in tests: drop every connection
 * now (the client sees a closed socket and reconnects), or black-hole traffic (a partition: the
 * sockets stay open, nothing arrives, the client's read timeout fires).
 */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** `host:port` of the proxy, to give to a client instead of the server's address. */
  readonly connectString: string;
  /** Destroys every proxied socket pair now. The proxy keeps accepting new connections. */
  dropConnections(): void;
  /**
   * Stops forwarding in both directions, on existing and new connections, keeping the sockets
   * open. Bytes sent meanwhile are held (in the kernel and in a small per-connection queue) and
   * delivered, in order, by resume(): nothing is dropped. A FIN or reset from either side is
   * likewise noticed only after resume(), as across a real partition.
   */
  pause(): void;
  resume(): void;
  /** With `record: true`, one entry per accepted connection, in accept order; else empty. */
  readonly connections: ReadonlyArray<RecordedConnection>;
  /** Drops every connection and stops listening. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface TcpProxyOptions {
  /** Split both directions into frames (FrameReader) and keep them in `connections`. */
  readonly record?: boolean;
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
}

/** One direction of a pair: reads `from`, writes `to`, queues while paused. */
class Pipe {
  private readonly held: Buffer[] = [];
  private endHeld = false;
  private recorder: FrameReader | undefined;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly frames: Buffer[] | undefined,
    private readonly isPaused: () => boolean,
  ) {
    if (frames !== undefined) this.recorder = new FrameReader();
    from.on('data', (chunk: Buffer) => {
      this.record(chunk);
      if (this.isPaused()) this.held.push(chunk);
      else this.to.write(chunk);
    });
    // Forward a half-close, so "server answers then closes" (closeSession, four-letter words)
    // reaches the client with every byte.
    from.on('end', () => {
      if (this.isPaused()) this.endHeld = true;
      else this.to.end();
    });
  }

  private record(chunk: Buffer): void {
    if (this.recorder === undefined || this.frames === undefined) return;
    try {
      for (const body of this.recorder.push(chunk)) this.frames.push(frame(body));
    } catch {
      // Not length-framed (a four-letter word, say): stop recording this direction, keep forwarding.
      this.recorder = undefined;
    }
  }

  pause(): void {
    this.from.pause();
  }

  resume(): void {
    for (const chunk of this.held.splice(0)) this.to.write(chunk);
    if (this.endHeld) {
      this.endHeld = false;
      this.to.end();
    }
    this.from.resume();
  }
}

class Pair {
  private readonly pipes: Pipe[] = [];

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    recorded: RecordedConnection | undefined,
    isPaused: () => boolean,
    onClosed: (pair: Pair) => void,
  ) {
    this.pipes.push(new Pipe(client, upstream, recorded?.clientToServer, isPaused));
    this.pipes.push(new Pipe(upstream, client, recorded?.serverToClient, isPaused));
    // Socket errors (ECONNRESET, ECONNREFUSED from the server) are expected in fault tests:
    // never let one escape as an uncaught exception; tear the pair down instead.
    for (const socket of [client, upstream]) {
      socket.on('error', () => this.destroy());
      socket.on('close', () => {
        this.endSurvivor();
        onClosed(this);
      });
    }
    if (isPaused()) this.pause();
  }

  /** One side closed: send FIN to the other once its queued bytes are written. */
  private endSurvivor(): void {
    if (this.client.destroyed && !this.upstream.writableEnded) this.upstream.end();
    if (this.upstream.destroyed && !this.client.writableEnded) this.client.end();
  }

  pause(): void {
    for (const pipe of this.pipes) pipe.pause();
  }

  resume(): void {
    for (const pipe of this.pipes) pipe.resume();
  }

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }
}

/**
 * Starts a proxy on a free loopback port that forwards each accepted connection to `target`.
 */
export async function startTcpProxy(target: { host: string; port: number }, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const host = options.host ?? '127.0.0.1';
  const pairs = new Set<Pair>();
  const connections: RecordedConnection[] = [];
  let paused = false;
  const isPaused = (): boolean => paused;

  // allowHalfOpen on both sockets: a client may half-close after its request (four-letter words
  // do) and still expect the answer; each FIN is forwarded by Pipe rather than answered by Node.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    let recorded: RecordedConnection | undefined;
    if (options.record === true) {
      recorded = { clientToServer: [], serverToClient: [] };
      connections.push(recorded);
    }
    const pair = new Pair(client, upstream, recorded, isPaused, (p) => {
      if (p.client.destroyed && p.upstream.destroyed) pairs.delete(p);
    });
    pairs.add(pair);
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  const port = address.port;

  const dropConnections = (): void => {
    for (const pair of pairs) pair.destroy();
    pairs.clear();
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      dropConnections();
    });
    return closing;
  };

  return {
    host,
    port,
    connectString: `${host}:${port}`,
    dropConnections,
    pause: () => {
      paused = true;
      for (const pair of pairs) pair.pause();
    },
    resume: () => {
      paused = false;
      for (const pair of pairs) pair.resume();
    },
    connections,
    close,
    [Symbol.asyncDispose]: close,
  };
}
