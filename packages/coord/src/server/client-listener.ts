import net from 'node:net';
import type { Clock } from '../util/clock.js';
import { coreStatsSource, type CoreSourceInput } from './admin/core-source.js';
import type { ServerStatsSource } from './admin/stats-source.js';
import { ServerConnection } from './connection-handler.js';
import { answerFourLetterWord, FOUR_LETTER_WORDS, fourLetterWordEnabled, type FourLetterWord, type FourLetterWordContext } from './four-letter-words.js';
import type { ServerCore } from './zk-server.js';

/**
 * The client port of a coord server, standalone or quorum member: accepts connections (with the
 * per-IP limit), hands each to a ServerConnection over the ServerCore, answers four-letter words,
 * and keeps the statistics source that srvr, mntr, the AdminServer and /metrics read.
 */
export interface ClientListenerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly maxClientConnections: number;
  readonly handshakeTimeoutMs: number;
  readonly maxQueuedBytesPerConnection: number;
  readonly fourLetterWords: readonly string[] | '*';
  readonly clock: Clock;
  readonly log: (level: 'debug' | 'info' | 'warn', message: string) => void;
  /** Settings `conf` reports, beyond the client port (read once bound). */
  readonly config: Omit<NonNullable<CoreSourceInput['config']>, 'clientPort'>;
  /** srvr's `Mode:`; default standalone. */
  readonly serverState?: () => string;
  /** srvr's `Zxid:`; default the tree's last processed zxid. */
  readonly lastProcessedZxid?: () => bigint;
  /**
   * A four-letter word to answer instead of running it (a quorum member that is not serving
   * answers most words with ZooKeeper's "not currently serving" line); undefined runs it.
   */
  readonly fourLetterOverride?: (word: string) => string | undefined;
}

export class ClientListener {
  private readonly listener: net.Server;
  private readonly connections = new Set<ServerConnection>();
  private readonly perIp = new Map<string, number>();
  private nextConnectionId = 1;
  private readonly fourLetterContext: FourLetterWordContext;
  readonly statsSource: ServerStatsSource;
  private boundPort = 0;
  private stopped = false;

  constructor(
    private readonly core: ServerCore,
    private readonly options: ClientListenerOptions,
  ) {
    const startedAtMs = options.clock.now();
    const boundPort = () => this.boundPort;
    this.statsSource = coreStatsSource({
      core,
      startedAtMs,
      nowMs: () => options.clock.now(),
      connectionStates: () => this.connectionStates(),
      stats: core.stats,
      connectionStats: (id) => [...this.connections].find((c) => c.id === id)?.stats,
      ...(options.serverState === undefined ? {} : { serverState: options.serverState }),
      ...(options.lastProcessedZxid === undefined ? {} : { lastProcessedZxid: options.lastProcessedZxid }),
      config: {
        // Read on every call: the port is known only once the listener is bound.
        get clientPort(): number {
          return boundPort();
        },
        ...options.config,
      },
    });
    const whitelist = options.fourLetterWords;
    this.fourLetterContext = {
      source: this.statsSource,
      core,
      startedAtMs,
      nowMs: () => options.clock.now(),
      whitelist: whitelist === '*' ? '*' : new Set(whitelist),
      clients: () => [...this.connections].map((c) => c.describe()),
    };
    this.listener = net.createServer((socket) => this.accept(socket));
    this.listener.on('error', (err) => options.log('warn', `listener error: ${err.message}`));
  }

  get port(): number {
    return this.boundPort;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(this.options.port, this.options.host, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    const address = this.listener.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : 0;
    return this.boundPort;
  }

  private fourLetterWord(word: string): string | undefined {
    const override = this.options.fourLetterOverride?.(word);
    const known = (FOUR_LETTER_WORDS as readonly string[]).includes(word);
    if (override === undefined || !known || !fourLetterWordEnabled(this.fourLetterContext.whitelist, word as FourLetterWord)) {
      return answerFourLetterWord(this.fourLetterContext, word);
    }
    return override;
  }

  private accept(socket: net.Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const ip = (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
    const limit = this.options.maxClientConnections;
    const count = this.perIp.get(ip) ?? 0;
    if (limit > 0 && count >= limit) {
      this.core.stats.increment('connection_rejected');
      this.options.log('warn', `too many connections from ${ip} (max ${limit}); closing`);
      socket.destroy();
      return;
    }
    this.perIp.set(ip, count + 1);
    socket.on('error', () => undefined);
    const connection = new ServerConnection(this.nextConnectionId++, socket, this.core, {
      maxFrameBytes: this.options.maxFrameBytes,
      maxQueuedBytes: this.options.maxQueuedBytesPerConnection,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      fourLetterWord: (word) => this.fourLetterWord(word),
      log: this.options.log,
      onClosed: (c) => {
        this.connections.delete(c);
        const n = (this.perIp.get(ip) ?? 1) - 1;
        if (n <= 0) this.perIp.delete(ip);
        else this.perIp.set(ip, n);
      },
    });
    this.connections.add(connection);
  }

  /** Per-connection state, for tests and the `cons` command. */
  connectionStates(): { id: number; sessionId: bigint; queuedRequests: number; pausedForSlowReader: boolean; remoteAddress: string; remotePort: number }[] {
    return [...this.connections].map((c) => ({
      id: c.id,
      sessionId: c.sessionId,
      queuedRequests: c.queuedRequests,
      pausedForSlowReader: c.pausedForSlowReader,
      remoteAddress: c.remoteAddress,
      remotePort: c.remotePort,
    }));
  }

  /** Stops accepting, lets each connection flush what was produced for it, then ends it. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const c of [...this.connections]) c.close('server stopping');
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }
}
