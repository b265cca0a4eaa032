import { connect, createServer, type Server, type Socket } from 'node:net';
import { MarshallingError } from '../errors/errors.js';
import { PacketType, type ElectionNotification, type PeerId, type QuorumPacket } from './core/types.js';
import { decodeNotification, encodeElectionHandshake, encodeNotification, ElectionStreamDecoder, frameElectionMessage, type ElectionStreamItem } from './wire/election.js';
import { decodeLearnerInfo } from './wire/packets.js';
import { encodeQuorumRecord, fileImageFromSyncSnapshot, QuorumStreamDecoder, syncSnapshotFromFileImage, type QuorumStreamItem } from './wire/quorum-stream.js';

/**
 * Peer links over TCP, the only socket code between quorum peers, speaking Apache ZooKeeper
 * 3.8's wire formats:
 *
 * - Election port (QuorumCnxManager): one connection per pair of peers, kept only if the
 *   initiator's sid is larger than the receiver's. A smaller sid that wants to talk dials, sends
 *   its handshake and hangs up; the larger peer then dials back. Each peer has a send queue of
 *   capacity 1 (a newer notification replaces an unsent one) and remembers the last notification
 *   sent, which it re-sends when a new connection comes up with nothing queued, as ZooKeeper's
 *   SendWorker does. Connections are made lazily, when there is something to send. A
 *   notification addressed to ourselves is delivered locally, as in QuorumCnxManager.toSend.
 * - Quorum port (Learner / LearnerHandler): the leader accepts learners, which identify
 *   themselves by their first packet (FOLLOWERINFO / OBSERVERINFO carrying LearnerInfo); a learner
 *   dials its leader. Snapshots cross the API as snapshot FILE images and the wire as the inline
 *   form that follows a SNAP packet.
 *
 * Garbage from a socket closes that socket (and reports onLinkDown for an identified quorum link);
 * it never throws out of a socket handler.
 */

export interface PeerServerAddress {
  readonly id: PeerId;
  readonly host: string;
  readonly quorumPort: number;
  readonly electionPort: number;
}

export interface PeerTransportOptions {
  readonly self: PeerId;
  /** Every member, self included. */
  readonly servers: readonly PeerServerAddress[];
  /** Interface to listen on; default: our own host from `servers`. */
  readonly bindHost?: string;
  readonly log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
  /** How long a dial may take (default 5 s) and how long a new election connection has to send its handshake (same). */
  readonly connectTimeoutMs?: number;
  /** Bound on an inline snapshot received from a leader (default 1 GiB). */
  readonly maxSnapshotBytes?: number;
}

export interface PeerTransportCallbacks {
  onElection(from: PeerId, notification: ElectionNotification): void;
  /** A quorum-port link is up: a learner identified itself (leader), or the leader answered our dial. */
  onLinkUp(peer: PeerId): void;
  /** A quorum-port link failed or closed; never after disconnect(peer) or close(). */
  onLinkDown(peer: PeerId): void;
  /** A packet from a quorum-port link; after SNAP, `snapshot` is a snapshot FILE image. */
  onPacket(from: PeerId, packet: QuorumPacket, snapshot?: Uint8Array): void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

interface ElectionLink {
  readonly socket: Socket;
  readonly decoder: ElectionStreamDecoder;
  open: boolean;
}

interface ElectionPeer {
  queued: ElectionNotification | undefined;
  last: ElectionNotification | undefined;
  link: ElectionLink | undefined;
  dialing: Socket | undefined;
}

interface QuorumLink {
  peer: PeerId | undefined;
  readonly socket: Socket;
  readonly decoder: QuorumStreamDecoder;
  open: boolean;
}

const formatHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      resolve();
    });
  });
}

function closeServer(server: Server | undefined): Promise<void> {
  if (server === undefined || !server.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}

export class PeerTransport {
  private readonly self: PeerServerAddress;
  private readonly servers = new Map<PeerId, PeerServerAddress>();
  private readonly bindHost: string;
  private readonly connectTimeoutMs: number;
  private readonly election = new Map<PeerId, ElectionPeer>();
  private readonly quorum = new Map<PeerId, QuorumLink>();
  /** Accepted quorum connections that have not identified themselves yet. */
  private readonly anonymous = new Set<QuorumLink>();
  private readonly electionSockets = new Set<Socket>();
  private electionServer: Server | undefined;
  private quorumServer: Server | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: PeerTransportOptions,
    private readonly callbacks: PeerTransportCallbacks,
  ) {
    for (const s of options.servers) this.servers.set(s.id, s);
    const self = this.servers.get(options.self);
    if (self === undefined) throw new Error(`server ${options.self} is not in the server list`);
    this.self = self;
    this.bindHost = options.bindHost ?? self.host;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  private log(level: 'debug' | 'info' | 'warn', message: string): void {
    this.options.log?.(level, `[peer ${this.self.id}] ${message}`);
  }

  private get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Listens on our election port. */
  async start(): Promise<void> {
    if (this.closed) throw new Error('transport closed');
    if (this.electionServer !== undefined) return;
    const server = createServer((socket) => this.acceptElection(socket));
    this.electionServer = server;
    await listen(server, this.bindHost, this.self.electionPort);
  }

  // -------------------------------------------------------------------------------------------
  // Election

  /** Queues `n` for `to` (replacing anything unsent) and sends it now or once a link is up. */
  sendElection(to: PeerId, n: ElectionNotification): void {
    if (this.closed) return;
    if (to === this.self.id) {
      queueMicrotask(() => {
        if (!this.closed) this.callbacks.onElection(to, n);
      });
      return;
    }
    if (!this.servers.has(to)) return this.log('warn', `no server ${to} to send a notification to`);
    const peer = this.electionPeer(to);
    peer.queued = n;
    if (peer.link !== undefined) this.flushElection(to, peer);
    else this.dialElection(to, peer);
  }

  private electionPeer(id: PeerId): ElectionPeer {
    let p = this.election.get(id);
    if (p === undefined) this.election.set(id, (p = { queued: undefined, last: undefined, link: undefined, dialing: undefined }));
    return p;
  }

  private flushElection(_id: PeerId, peer: ElectionPeer): void {
    const link = peer.link;
    if (link === undefined || !link.open || peer.queued === undefined || link.socket.writableNeedDrain) return;
    const n = peer.queued;
    peer.queued = undefined;
    peer.last = n;
    link.socket.write(frameElectionMessage(encodeNotification(n)));
  }

  private trackElectionSocket(socket: Socket): void {
    this.electionSockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => this.electionSockets.delete(socket));
  }

  private dialElection(id: PeerId, peer: ElectionPeer): void {
    if (peer.dialing !== undefined) return;
    const target = this.servers.get(id) as PeerServerAddress;
    const socket = connect({ host: target.host, port: target.electionPort });
    peer.dialing = socket;
    this.trackElectionSocket(socket);
    socket.setTimeout(this.connectTimeoutMs, () => socket.destroy());
    socket.on('close', () => {
      if (peer.dialing === socket) peer.dialing = undefined;
    });
    socket.once('connect', () => {
      if (peer.dialing === socket) peer.dialing = undefined;
      socket.setTimeout(0);
      if (this.closed) return void socket.destroy();
      socket.write(encodeElectionHandshake({ sid: this.self.id, addresses: [formatHostPort(this.self.host, this.self.electionPort)] }));
      // The initiator keeps the connection only if it has the larger sid; else the peer dials back.
      if (id > this.self.id) return void socket.end();
      this.installElectionLink(id, socket, new ElectionStreamDecoder({ expectHandshake: false }), []);
    });
  }

  private acceptElection(socket: Socket): void {
    if (this.closed) return void socket.destroy();
    this.trackElectionSocket(socket);
    const decoder = new ElectionStreamDecoder({ expectHandshake: true });
    socket.setTimeout(this.connectTimeoutMs, () => {
      this.log('warn', 'election connection sent no handshake in time');
      socket.destroy();
    });
    const onData = (chunk: Buffer): void => {
      let items: ElectionStreamItem[];
      try {
        items = decoder.push(chunk);
      } catch (err) {
        this.log('warn', `bad election handshake: ${(err as Error).message}`);
        return void socket.destroy();
      }
      const first = items[0];
      if (first === undefined) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      if (first.kind !== 'handshake') return void socket.destroy();
      const sid = first.handshake.sid;
      if (sid === this.self.id) {
        this.log('warn', 'election connection from a server with our own id');
        return void socket.destroy();
      }
      if (!this.servers.has(sid)) {
        this.log('warn', `election connection from unknown server ${sid}`);
        return void socket.destroy();
      }
      const peer = this.electionPeer(sid);
      if (sid < this.self.id) {
        // It believes it has no link to us: drop ours, and dial back (we win the tie-break).
        socket.destroy();
        this.dropElectionLink(peer);
        return this.dialElection(sid, peer);
      }
      this.installElectionLink(sid, socket, decoder, items.slice(1));
    };
    socket.on('data', onData);
  }

  private dropElectionLink(peer: ElectionPeer): void {
    const link = peer.link;
    if (link === undefined) return;
    link.open = false;
    peer.link = undefined;
    link.socket.destroy();
  }

  private installElectionLink(id: PeerId, socket: Socket, decoder: ElectionStreamDecoder, pending: ElectionStreamItem[]): void {
    const peer = this.electionPeer(id);
    this.dropElectionLink(peer);
    const link: ElectionLink = { socket, decoder, open: true };
    peer.link = link;
    const down = (): void => {
      if (peer.link === link) peer.link = undefined;
      link.open = false;
    };
    socket.on('close', down);
    socket.on('drain', () => this.flushElection(id, peer));
    socket.on('data', (chunk: Buffer) => {
      if (!link.open) return;
      let items: ElectionStreamItem[];
      try {
        items = decoder.push(chunk);
      } catch (err) {
        this.log('warn', `bad election frame from ${id}: ${(err as Error).message}`);
        socket.destroy();
        return down();
      }
      this.deliverElection(id, link, items);
    });
    if (peer.queued === undefined) peer.queued = peer.last;
    this.flushElection(id, peer);
    this.deliverElection(id, link, pending);
  }

  private deliverElection(id: PeerId, link: ElectionLink, items: ElectionStreamItem[]): void {
    for (const item of items) {
      if (!link.open || this.closed) return;
      if (item.kind !== 'message') continue;
      let n: ElectionNotification;
      try {
        n = decodeNotification(item.payload);
      } catch (err) {
        // FastLeaderElection skips a malformed notification and keeps the connection.
        this.log('warn', `skipping malformed notification from ${id}: ${(err as Error).message}`);
        continue;
      }
      this.callbacks.onElection(id, n);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Quorum port

  /** Leader: accept learners on our quorum port. */
  async listenQuorum(): Promise<void> {
    if (this.closed) throw new Error('transport closed');
    if (this.quorumServer !== undefined) return;
    const server = createServer((socket) => this.acceptLearner(socket));
    this.quorumServer = server;
    try {
      await listen(server, this.bindHost, this.self.quorumPort);
    } catch (err) {
      this.quorumServer = undefined;
      throw err;
    }
  }

  /** Stops accepting learners; links already up stay up (disconnect them one by one). */
  async stopListeningQuorum(): Promise<void> {
    const server = this.quorumServer;
    this.quorumServer = undefined;
    for (const link of [...this.anonymous]) this.closeQuorumLink(link, false);
    await closeServer(server);
  }

  private acceptLearner(socket: Socket): void {
    if (this.closed) return void socket.destroy();
    const link = this.quorumLink(socket, undefined, 'learner');
    this.anonymous.add(link);
    socket.setTimeout(this.connectTimeoutMs, () => {
      if (link.peer === undefined) this.closeQuorumLink(link, false);
    });
  }

  /** Learner: dial the leader's quorum port; onLinkUp or onLinkDown follows. */
  connect(leader: PeerId): void {
    if (this.closed) return;
    const target = this.servers.get(leader);
    if (target === undefined) {
      this.log('warn', `no server ${leader} to connect to`);
      queueMicrotask(() => {
        if (!this.closed) this.callbacks.onLinkDown(leader);
      });
      return;
    }
    const old = this.quorum.get(leader);
    if (old !== undefined) this.closeQuorumLink(old, false);
    const socket = connect({ host: target.host, port: target.quorumPort });
    const link = this.quorumLink(socket, leader, 'leader');
    this.quorum.set(leader, link);
    socket.setTimeout(this.connectTimeoutMs, () => this.closeQuorumLink(link, true));
    socket.once('connect', () => {
      socket.setTimeout(0);
      if (link.open && !this.closed) this.callbacks.onLinkUp(leader);
    });
  }

  private quorumLink(socket: Socket, peer: PeerId | undefined, from: 'leader' | 'learner'): QuorumLink {
    socket.setNoDelay(true);
    const link: QuorumLink = { peer, socket, decoder: new QuorumStreamDecoder({ from, maxSnapshotBytes: this.options.maxSnapshotBytes }), open: true };
    socket.on('error', (err) => this.log('debug', `quorum link ${String(link.peer)}: ${err.message}`));
    socket.on('close', () => this.closeQuorumLink(link, true));
    socket.on('data', (chunk: Buffer) => this.onQuorumData(link, chunk));
    return link;
  }

  private onQuorumData(link: QuorumLink, chunk: Buffer): void {
    if (!link.open || this.closed) return;
    let items: QuorumStreamItem[];
    try {
      items = link.decoder.push(chunk);
    } catch (err) {
      this.log('warn', `bad quorum stream from ${String(link.peer)}: ${(err as Error).message}`);
      return this.closeQuorumLink(link, true);
    }
    for (const { packet, snapshot } of items) {
      if (!link.open || this.closed) return;
      if (link.peer === undefined && !this.identify(link, packet)) return;
      const from = link.peer as PeerId;
      if (snapshot === undefined) {
        this.callbacks.onPacket(from, packet);
        continue;
      }
      let image: Buffer;
      try {
        image = fileImageFromSyncSnapshot(snapshot, packet.zxid);
      } catch (err) {
        this.log('warn', `bad inline snapshot from ${from}: ${(err as Error).message}`);
        return this.closeQuorumLink(link, true);
      }
      this.callbacks.onPacket(from, packet, image);
    }
  }

  /** A learner's first packet names it; anything else closes the connection. */
  private identify(link: QuorumLink, packet: QuorumPacket): boolean {
    let sid: PeerId | undefined;
    if (packet.type === PacketType.FOLLOWERINFO || packet.type === PacketType.OBSERVERINFO) {
      try {
        const id = decodeLearnerInfo(packet.data).serverId;
        if (id <= BigInt(Number.MAX_SAFE_INTEGER) && id >= 0n) sid = Number(id);
      } catch (err) {
        if (!(err instanceof MarshallingError)) throw err;
      }
    }
    if (sid === undefined || sid === this.self.id || !this.servers.has(sid)) {
      this.log('warn', `quorum connection did not identify as a known learner (first packet type ${packet.type})`);
      this.closeQuorumLink(link, false);
      return false;
    }
    this.anonymous.delete(link);
    link.socket.setTimeout(0);
    const old = this.quorum.get(sid);
    if (old !== undefined) this.closeQuorumLink(old, true);
    link.peer = sid;
    this.quorum.set(sid, link);
    this.callbacks.onLinkUp(sid);
    return link.open && !this.closed;
  }

  private closeQuorumLink(link: QuorumLink, notify: boolean): void {
    if (!link.open) return;
    link.open = false;
    link.socket.destroy();
    this.anonymous.delete(link);
    const peer = link.peer;
    if (peer === undefined || this.quorum.get(peer) !== link) return;
    this.quorum.delete(peer);
    if (notify && !this.closed) this.callbacks.onLinkDown(peer);
  }

  /**
   * Sends a packet on the quorum link to `to` (dropped if there is none). With SNAP, `snapshot`
   * is a snapshot FILE image, sent in its inline form right after the packet.
   */
  send(to: PeerId, packet: QuorumPacket, snapshot?: Uint8Array): void {
    const link = this.quorum.get(to);
    if (link === undefined || !link.open || this.closed) return this.log('debug', `no quorum link to ${to}; dropping packet type ${packet.type}`);
    const bytes = encodeQuorumRecord(packet);
    if (snapshot !== undefined && packet.type !== PacketType.SNAP) this.log('warn', `a snapshot only follows SNAP, not packet type ${packet.type}; not sent`);
    if (snapshot === undefined || packet.type !== PacketType.SNAP) return void link.socket.write(bytes);
    link.socket.write(Buffer.concat([bytes, syncSnapshotFromFileImage(snapshot)]));
  }

  /** Drops the quorum link to `peer`; no onLinkDown follows. */
  disconnect(peer: PeerId): void {
    const link = this.quorum.get(peer);
    if (link !== undefined) this.closeQuorumLink(link, false);
  }

  /** Whether a quorum link to `peer` is up (for diagnostics and tests). */
  hasLink(peer: PeerId): boolean {
    return this.quorum.get(peer)?.open === true;
  }

  /** Closes every socket and server. Idempotent; no callback fires afterwards. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const link of [...this.quorum.values(), ...this.anonymous]) this.closeQuorumLink(link, false);
      for (const peer of this.election.values()) {
        this.dropElectionLink(peer);
        peer.dialing?.destroy();
      }
      for (const socket of this.electionSockets) socket.destroy();
      await Promise.all([closeServer(this.electionServer), closeServer(this.quorumServer)]);
    })();
    return this.closing;
  }
}
