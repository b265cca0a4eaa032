import type { ServerStatsSource } from '../server/admin/stats-source.js';
import { ClientListener } from '../server/client-listener.js';
import { ContainerSweeper } from '../server/container-sweeper.js';
import { ServerCore } from '../server/zk-server.js';
import type { Clock } from '../util/clock.js';
import { ServerState, type PeerInput, type PeerOutput } from './core/types.js';
import { ReplicaWrites, type ReplicaView } from './replica-writes.js';

/**
 * The client side of a quorum member (ZooKeeper's Leader/Follower/ObserverZooKeeperServer plus
 * its NIOServerCnxnFactory): the same request processor and connection handling as a standalone
 * server, with writes, session lifecycle, touches and syncs going through the PeerCore. Reads are
 * answered from the local replica. Clients are served only between the core's `startServing`
 * and `stopServing`; in between, connects are refused and four-letter words that need a running
 * server say so, as Apache's do.
 */
export interface ReplicaServerOptions {
  readonly serverId: number;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly tickTimeMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly extendedTypesEnabled: boolean;
  readonly superDigest: string | undefined;
  readonly maxFrameBytes: number;
  readonly maxClientConnections: number;
  readonly handshakeTimeoutMs: number;
  readonly maxQueuedBytesPerConnection: number;
  readonly fourLetterWords: readonly string[] | '*';
  readonly containerCheckIntervalMs: number;
  readonly dataDir: string;
  readonly dataLogDir: string;
  readonly clock: Clock;
  readonly log: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

/** ZooKeeper's answer to a four-letter word while the server is not running (ZK_NOT_SERVING). */
export const NOT_SERVING_TEXT = 'This ZooKeeper instance is not currently serving requests\n';
const NEEDS_RUNNING_SERVER = new Set(['srvr', 'stat', 'cons', 'dump', 'wchs', 'wchc', 'wchp', 'mntr', 'dirs', 'crst', 'srst', 'conf', 'hash']);

const MODES: Readonly<Record<ServerState, string>> = {
  [ServerState.LOOKING]: 'looking',
  [ServerState.FOLLOWING]: 'follower',
  [ServerState.LEADING]: 'leader',
  [ServerState.OBSERVING]: 'observer',
};

export class ReplicaServer {
  readonly core: ServerCore;
  private readonly writes: ReplicaWrites;
  private readonly client: ClientListener;
  private readonly sweeper: ContainerSweeper;

  constructor(
    options: ReplicaServerOptions,
    private readonly replica: () => ReplicaView,
    feed: (input: PeerInput) => void,
  ) {
    this.writes = new ReplicaWrites(replica, feed);
    this.core = new ServerCore({
      serverId: options.serverId,
      tickTimeMs: options.tickTimeMs,
      minSessionTimeoutMs: options.minSessionTimeoutMs,
      maxSessionTimeoutMs: options.maxSessionTimeoutMs,
      extendedTypesEnabled: options.extendedTypesEnabled,
      superDigest: options.superDigest,
      maxReplyBytes: options.maxFrameBytes,
      clock: options.clock,
      log: options.log,
      writePath: this.writes,
    });
    // Not serving until the core says so (it has a leader and is in sync with it).
    this.core.setServing(false, 'starting');
    this.client = new ClientListener(this.core, {
      host: options.host,
      port: options.port,
      maxFrameBytes: options.maxFrameBytes,
      maxClientConnections: options.maxClientConnections,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      maxQueuedBytesPerConnection: options.maxQueuedBytesPerConnection,
      fourLetterWords: options.fourLetterWords,
      clock: options.clock,
      log: options.log,
      serverState: () => this.mode,
      lastProcessedZxid: () => this.zxid,
      fourLetterOverride: (word) => (!this.core.serving && NEEDS_RUNNING_SERVER.has(word) ? NOT_SERVING_TEXT : undefined),
      config: {
        tickTimeMs: options.tickTimeMs,
        maxClientCnxns: options.maxClientConnections,
        minSessionTimeoutMs: options.minSessionTimeoutMs,
        maxSessionTimeoutMs: options.maxSessionTimeoutMs,
        serverId: options.serverId,
        dataDir: options.dataDir,
        dataLogDir: options.dataLogDir,
      },
    });
    this.sweeper = new ContainerSweeper(this.core, options.clock, options.containerCheckIntervalMs);
  }

  /** srvr's `Mode:` (leader, follower, observer; looking while electing). */
  get mode(): string {
    return MODES[this.replica().state];
  }

  /**
   * srvr's `Zxid:` as Apache prints it: a leader reports the zxid it proposes from, so an
   * established leader shows its epoch (0x<epoch>00000000) before the first write; the others
   * their last applied txn.
   */
  get zxid(): bigint {
    const view = this.replica();
    const applied = view.tree.lastProcessedZxid;
    if (view.state !== ServerState.LEADING || !this.core.serving) return applied;
    const epochStart = view.currentEpoch << 32n;
    return applied > epochStart ? applied : epochStart;
  }

  get port(): number {
    return this.client.port;
  }

  get serving(): boolean {
    return this.core.serving;
  }

  get statsSource(): ServerStatsSource {
    return this.client.statsSource;
  }

  get connectionCount(): number {
    return this.client.connectionCount;
  }

  async start(): Promise<number> {
    const port = await this.client.start();
    this.sweeper.start();
    return port;
  }

  /** Executes a core output that concerns clients; false when it is not one. */
  handle(output: PeerOutput): boolean {
    if (this.writes.handle(output)) return true;
    switch (output.kind) {
      case 'stopServing':
        this.core.setServing(false, `not serving: ${output.reason}`);
        this.writes.forgetPending();
        return true;
      case 'startServing':
        this.core.setServing(true, 'serving');
        return true;
      default:
        return false;
    }
  }

  async stop(): Promise<void> {
    this.sweeper.stop();
    this.core.setServing(false, 'server stopping');
    this.writes.forgetPending();
    await this.client.stop();
  }
}
