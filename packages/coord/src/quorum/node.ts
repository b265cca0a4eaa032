import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type QuorumServerSpec, type ServerConfig } from '../config/index.js';
import { BadArgumentsError } from '../errors/errors.js';
import type { ServerStatsSource } from '../server/admin/stats-source.js';
import { openDataDir, type DataDir } from '../server/persistence/index.js';
import { RealClock } from '../util/clock.js';
import { PeerCore } from './core/peer.js';
import { epochOf, hex, ServerState, type PeerCoreConfig, type PeerInput, type PeerOutput, type RecoveredState } from './core/types.js';
import { PeerDriver } from './peer-driver.js';
import { ReplicaServer } from './replica-server.js';
import { PeerTransport } from './transport.js';

/**
 * A coord ensemble member (ZooKeeper's QuorumPeer): the pure PeerCore driven with the real clock,
 * TCP peer links, the dataDir, and a client port served through the same request processor as
 * the standalone server.
 */
export interface QuorumPeerOptions {
  /** This server's id (the N of its server.N line, ZooKeeper's myid). */
  readonly myid: number;
  /** Every member, this one included. */
  readonly servers: readonly QuorumServerSpec[];
  readonly dataDir: string;
  readonly dataLogDir?: string;
  /** Client address; default 127.0.0.1. */
  readonly clientHost?: string;
  /** Client port; 0 (the default) picks a free one. */
  readonly clientPort?: number;
  /** Default 2000. */
  readonly tickTimeMs?: number;
  /** Ticks a learner may take to connect and sync (initLimit). Default 10. */
  readonly initLimit?: number;
  /** Ticks a learner may lag (syncLimit). Default 5. */
  readonly syncLimit?: number;
  readonly minSessionTimeoutMs?: number;
  readonly maxSessionTimeoutMs?: number;
  /** Default true. */
  readonly extendedTypesEnabled?: boolean;
  readonly superDigest?: string;
  /** Default ['srvr']. */
  readonly fourLetterWords?: readonly string[] | '*';
  readonly maxFrameBytes?: number;
  readonly maxClientConnections?: number;
  readonly handshakeTimeoutMs?: number;
  readonly maxQueuedBytesPerConnection?: number;
  readonly containerCheckIntervalMs?: number;
  /** Default true. */
  readonly forceSync?: boolean;
  readonly preAllocSizeBytes?: number;
  readonly snapCount?: number;
  /** autopurge.snapRetainCount / autopurge.purgeInterval (hours; 0 = off). */
  readonly autopurge?: { readonly snapRetainCount: number; readonly purgeIntervalHours: number };
  /** FastLeaderElection's finalizeWait and notification intervals; the core's defaults otherwise. */
  readonly finalizeWaitMs?: number;
  readonly minNotificationIntervalMs?: number;
  readonly maxNotificationIntervalMs?: number;
  /** Txns kept for DIFF syncs (ZooKeeper's committedLog: 500). */
  readonly committedLogSize?: number;
  readonly log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

const DEFAULT_COMMITTED_LOG = 500;
const ROLE_NAMES: Readonly<Record<ServerState, string>> = {
  [ServerState.LOOKING]: 'LOOKING',
  [ServerState.FOLLOWING]: 'FOLLOWING',
  [ServerState.LEADING]: 'LEADING',
  [ServerState.OBSERVING]: 'OBSERVING',
};

/** A running ensemble member. */
export class QuorumPeer {
  private stopping: Promise<void> | undefined;
  private readonly stateListeners = new Set<(state: ServerState, leader: number | undefined) => void>();
  private lastRole: { state: ServerState; leader: number | undefined; phase: string; epoch: bigint } | undefined;
  private fatal: Error | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private resolveFailed: (err: Error) => void = () => undefined;
  private readonly failedPromise = new Promise<Error>((resolve) => {
    this.resolveFailed = resolve;
  });

  /** @internal built by startQuorumPeer */
  constructor(
    readonly id: number,
    readonly peer: PeerCore,
    readonly replica: ReplicaServer,
    private readonly driver: PeerDriver,
    private readonly transport: PeerTransport,
    private readonly dataDir: DataDir,
    private readonly host: string,
    private readonly log: (level: 'debug' | 'info' | 'warn', message: string) => void,
  ) {}

  get clientPort(): number {
    return this.replica.port;
  }

  get connectString(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.clientPort}`;
  }

  get state(): ServerState {
    return this.peer.state;
  }

  /** leader, follower, observer, or looking (what srvr's Mode: says). */
  get mode(): string {
    return this.replica.mode;
  }

  get leaderId(): number | undefined {
    return this.peer.leaderId;
  }

  get serving(): boolean {
    return this.replica.serving;
  }

  get lastZxid(): bigint {
    return this.peer.tree.lastProcessedZxid;
  }

  get statsSource(): ServerStatsSource {
    return this.replica.statsSource;
  }

  /** Why the member stopped on its own (a disk write failed, the core threw), if it did. */
  get failure(): Error | undefined {
    return this.fatal;
  }

  /** Resolves if the member stops on its own (a disk write failed, the core threw); never otherwise. */
  get failed(): Promise<Error> {
    return this.failedPromise;
  }

  /** Called on every role or leader change. Returns an unsubscribe function. */
  onStateChange(listener: (state: ServerState, leader: number | undefined) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** @internal */
  noteState(output: Extract<PeerOutput, { kind: 'state' }>): void {
    const previous = this.lastRole;
    this.lastRole = { state: output.state, leader: output.leader, phase: output.phase, epoch: output.epoch };
    this.log('debug', `state ${ROLE_NAMES[output.state]} phase ${output.phase} leader ${String(output.leader)} epoch ${output.epoch}`);
    const role = output.state === ServerState.LEADING || output.state === ServerState.LOOKING ? ROLE_NAMES[output.state] : `${ROLE_NAMES[output.state]} ${String(output.leader)}`;
    const roleChanged = previous === undefined || previous.state !== output.state || previous.leader !== output.leader;
    // The epoch is known once discovery is done: say it when the role starts serving.
    if (roleChanged && output.phase !== 'broadcast') this.log('info', role);
    if (output.phase === 'broadcast' && (roleChanged || previous.phase !== 'broadcast' || previous.epoch !== output.epoch)) {
      this.log('info', output.state === ServerState.LEADING ? `LEADING epoch ${output.epoch}` : `${role} in epoch ${output.epoch}`);
    }
    if (roleChanged) for (const listener of this.stateListeners) listener(output.state, output.leader);
  }

  /** @internal */
  fail(err: Error): void {
    if (this.fatal !== undefined) return;
    this.fatal = err;
    this.resolveFailed(err);
    this.log('warn', `quorum member ${this.id} failed: ${err.message}; stopping`);
    void this.stop();
  }

  /** @internal autopurge: keep the newest snapRetainCount snapshots (and the logs they need) every purgeInterval hours. */
  schedulePurge(autopurge: QuorumPeerOptions['autopurge']): void {
    if (autopurge === undefined || autopurge.purgeIntervalHours <= 0) return;
    this.purgeTimer = setInterval(() => {
      this.dataDir.purge(Math.max(3, autopurge.snapRetainCount)).catch((err: unknown) => this.log('warn', `autopurge failed: ${err instanceof Error ? err.message : String(err)}`));
    }, autopurge.purgeIntervalHours * 3_600_000);
    this.purgeTimer.unref();
  }

  /** Drops clients, closes the peer links, makes the log durable and closes the dataDir. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.purgeTimer !== undefined) clearInterval(this.purgeTimer);
      this.driver.stop();
      await this.replica.stop();
      await this.transport.close();
      await this.dataDir.flush().catch(() => undefined);
      await this.dataDir.close();
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** ZooKeeper's epoch files, or the epoch of the last zxid when a dataDir has none yet (QuorumPeer.loadDataBase). */
async function readEpochs(dataDir: DataDir, log: QuorumPeerOptions['log']): Promise<{ acceptedEpoch: bigint; currentEpoch: bigint }> {
  const fromZxid = epochOf(dataDir.lastZxid);
  let currentEpoch = await dataDir.readCurrentEpoch();
  if (currentEpoch === undefined) {
    currentEpoch = fromZxid;
    await dataDir.writeCurrentEpoch(currentEpoch);
  }
  let acceptedEpoch = await dataDir.readAcceptedEpoch();
  if (acceptedEpoch === undefined) {
    acceptedEpoch = currentEpoch;
    await dataDir.writeAcceptedEpoch(acceptedEpoch);
  }
  if (fromZxid > currentEpoch) log?.('warn', `the current epoch ${currentEpoch} is older than the last zxid ${hex(dataDir.lastZxid)}`);
  return { acceptedEpoch, currentEpoch };
}

async function recoveredState(dataDir: DataDir, log: QuorumPeerOptions['log']): Promise<RecoveredState> {
  const epochs = await readEpochs(dataDir, log);
  const recovery = dataDir.recovery;
  return {
    tree: dataDir.tree,
    // The core keeps its own session table (from applied txns); the dataDir's follows appends.
    sessions: new Map(dataDir.sessions),
    ...epochs,
    recentTxns: recovery.recentTxns,
    historyBase: recovery.recentBase,
  };
}

function checkOptions(options: QuorumPeerOptions): QuorumServerSpec {
  const self = options.servers.find((s) => s.id === options.myid);
  if (self === undefined) {
    throw new BadArgumentsError({ message: `myid ${options.myid} is not one of the servers (${options.servers.map((s) => `server.${s.id}`).join(', ')})` });
  }
  return self;
}

/** Starts an ensemble member: recovers its dataDir, opens its election port and client port, and looks for a leader. */
export async function startQuorumPeer(options: QuorumPeerOptions): Promise<QuorumPeer> {
  const self = checkOptions(options);
  const log = options.log ?? (() => undefined);
  const tickTimeMs = options.tickTimeMs ?? 2000;
  const extendedTypesEnabled = options.extendedTypesEnabled ?? true;
  const committedLogSize = options.committedLogSize ?? DEFAULT_COMMITTED_LOG;
  const dataDir = await openDataDir({
    dataDir: options.dataDir,
    ...(options.dataLogDir === undefined ? {} : { dataLogDir: options.dataLogDir }),
    forceSync: options.forceSync ?? true,
    ...(options.preAllocSizeBytes === undefined ? {} : { preAllocSizeBytes: options.preAllocSizeBytes }),
    ...(options.snapCount === undefined ? {} : { snapCount: options.snapCount }),
    extendedTypesEnabled,
    keepRecentTxns: committedLogSize,
    // One pass, not fuzzy: a leader's tree holds proposals not yet committed, and a TRUNC may
    // later drop them. A snapshot named S must then hold nothing after S, or the cut would keep
    // their effects; a fuzzy snapshot takes in whatever is applied while it is written.
    snapshotNodesPerStep: Infinity,
    log,
  });
  let transport: PeerTransport | undefined;
  let replica: ReplicaServer | undefined;
  try {
    const minSessionTimeoutMs = options.minSessionTimeoutMs ?? 2 * tickTimeMs;
    const maxSessionTimeoutMs = options.maxSessionTimeoutMs ?? 20 * tickTimeMs;
    const config: PeerCoreConfig = {
      self: options.myid,
      members: options.servers.map((s) => ({ id: s.id, role: s.role })),
      tickTimeMs,
      initLimit: options.initLimit ?? 10,
      syncLimit: options.syncLimit ?? 5,
      minSessionTimeoutMs,
      maxSessionTimeoutMs,
      extendedTypesEnabled,
      committedLogSize,
      ...(options.finalizeWaitMs === undefined ? {} : { finalizeWaitMs: options.finalizeWaitMs }),
      ...(options.minNotificationIntervalMs === undefined ? {} : { minNotificationIntervalMs: options.minNotificationIntervalMs }),
      ...(options.maxNotificationIntervalMs === undefined ? {} : { maxNotificationIntervalMs: options.maxNotificationIntervalMs }),
    };
    const peer = new PeerCore(config, await recoveredState(dataDir, log), Date.now());
    const peerLog = (level: 'debug' | 'info' | 'warn', message: string) => log(level, `[peer ${options.myid}] ${message}`);
    // Every input (sockets, clients, disk, timers) goes through the driver, made below once the
    // transport and the client side it drives exist; nothing is fed before driver.start().
    const feed = (input: PeerInput): void => driver.feed(input);
    const host = options.clientHost ?? '127.0.0.1';
    replica = new ReplicaServer(
      {
        serverId: options.myid,
        host,
        port: options.clientPort ?? self.clientPort ?? 0,
        tickTimeMs,
        minSessionTimeoutMs,
        maxSessionTimeoutMs,
        extendedTypesEnabled,
        superDigest: options.superDigest,
        maxFrameBytes: options.maxFrameBytes ?? 0xfffff,
        maxClientConnections: options.maxClientConnections ?? 60,
        handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
        maxQueuedBytesPerConnection: options.maxQueuedBytesPerConnection ?? 4 * 1024 * 1024,
        fourLetterWords: options.fourLetterWords ?? ['srvr'],
        containerCheckIntervalMs: options.containerCheckIntervalMs ?? 60_000,
        dataDir: dataDir.snapDir,
        dataLogDir: dataDir.logDir,
        clock: RealClock,
        log,
      },
      () => peer,
      feed,
    );
    transport = new PeerTransport(
      { self: options.myid, servers: options.servers.map((s) => ({ id: s.id, host: s.host, quorumPort: s.quorumPort, electionPort: s.electionPort })), log },
      {
        onElection: (from, notification) => feed({ kind: 'election', from, notification }),
        onLinkUp: (p) => feed({ kind: 'linkUp', peer: p }),
        onLinkDown: (p) => feed({ kind: 'linkDown', peer: p }),
        onPacket: (from, packet, snapshot) => feed(snapshot === undefined ? { kind: 'packet', from, packet } : { kind: 'packet', from, packet, snapshot }),
      },
    );
    const clients: ReplicaServer = replica;
    const links: PeerTransport = transport;
    const driver: PeerDriver = new PeerDriver(peer, {
      transport: links,
      dataDir,
      clients: (output) => clients.handle(output),
      reloadedState: () => recoveredState(dataDir, log),
      onState: (output) => member.noteState(output),
      log: peerLog,
      onFatal: (err) => member.fail(err),
      now: () => Date.now(),
    });
    const member = new QuorumPeer(options.myid, peer, clients, driver, links, dataDir, host, peerLog);
    dataDir.onDurable((zxid) => feed({ kind: 'durable', zxid }));
    dataDir.onFailure((err) => member.fail(err));
    await clients.start();
    await links.start();
    driver.start();
    member.schedulePurge(options.autopurge);
    peerLog('info', `quorum member ${options.myid} of ${options.servers.length}: clients on ${member.connectString}, election port ${self.electionPort}, quorum port ${self.quorumPort}`);
    return member;
  } catch (err) {
    await replica?.stop();
    await transport?.close();
    await dataDir.close();
    throw err;
  }
}

/** `<dataDir>/myid` as ZooKeeper reads it: the server's id as decimal text. */
export async function readMyId(dataDir: string): Promise<number> {
  const file = join(dataDir, 'myid');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BadArgumentsError({ message: `${file} is missing: an ensemble member reads its id from it; write the N of this server's server.N line there (echo N > ${file})` });
    }
    throw err;
  }
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) throw new BadArgumentsError({ message: `${file} does not hold a server id: ${JSON.stringify(text.slice(0, 40))}` });
  return Number(trimmed);
}

/** The options of the member a zoo.cfg with server.N lines describes (myid from its dataDir). */
export async function quorumPeerOptions(config: ServerConfig, log?: QuorumPeerOptions['log']): Promise<QuorumPeerOptions> {
  const p = config.persistence;
  if (p.dataDir === undefined) throw new ConfigError({ kind: 'unset', file: config.file ?? 'the configuration' }, 'dataDir', 'is not set; an ensemble member keeps its myid and data there');
  const myid = await readMyId(p.dataDir);
  const self = config.quorum.servers.find((s) => s.id === myid);
  if (self === undefined) {
    throw new BadArgumentsError({ message: `${join(p.dataDir, 'myid')} says ${myid}, but the configuration has no server.${myid} (it has ${config.quorum.servers.map((s) => `server.${s.id}`).join(', ')})` });
  }
  return {
    myid,
    servers: config.quorum.servers,
    dataDir: p.dataDir,
    ...(p.dataLogDir === undefined ? {} : { dataLogDir: p.dataLogDir }),
    clientHost: self.clientHost ?? config.client.host,
    clientPort: self.clientPort ?? config.client.port,
    tickTimeMs: config.tickTimeMs,
    ...(config.quorum.initLimitTicks === undefined ? {} : { initLimit: config.quorum.initLimitTicks }),
    ...(config.quorum.syncLimitTicks === undefined ? {} : { syncLimit: config.quorum.syncLimitTicks }),
    minSessionTimeoutMs: config.session.minTimeoutMs,
    maxSessionTimeoutMs: config.session.maxTimeoutMs,
    extendedTypesEnabled: config.extendedTypesEnabled,
    ...(config.superDigest === undefined ? {} : { superDigest: config.superDigest }),
    fourLetterWords: config.client.fourLetterWords,
    maxFrameBytes: config.client.maxFrameBytes,
    maxClientConnections: config.client.maxConnectionsPerIp,
    forceSync: p.forceSync,
    preAllocSizeBytes: p.preAllocSizeKb * 1024,
    snapCount: p.snapCount,
    autopurge: { snapRetainCount: p.autopurge.snapRetainCount, purgeIntervalHours: p.autopurge.purgeIntervalHours },
    ...(log === undefined ? {} : { log }),
  };
}
