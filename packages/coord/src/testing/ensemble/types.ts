/**
 * The shape of a local multi-process ensemble as tests, drills and benches see it: the same for
 * Apache ZooKeeper (QuorumPeerMain in one JVM per member) and for coord (`coord server` in one
 * Node process per member). See ensemble.ts for the lifecycle and mesh.ts for the proxy mesh.
 */

export const MEMBER_ROLES = ['participant', 'observer'] as const;
/** What a member's server line says (`:observer` or not); not who leads (see leader()). */
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** What `srvr` says a member is doing right now. `down`: no answer; `not-serving`: answered, but no quorum (LOOKING). */
export type MemberMode = 'leader' | 'follower' | 'observer' | 'standalone' | 'not-serving' | 'down';

export const PEER_CHANNELS = ['election', 'quorum'] as const;
/** The two peer ports of a server line: `quorumPort` (ZAB, learners to leader) and `electionPort` (FastLeaderElection). */
export type PeerChannel = (typeof PEER_CHANNELS)[number];

export interface EnsembleMember {
  /** The N of server.N, also the member's myid. */
  readonly id: number;
  readonly role: MemberRole;
  readonly clientPort: number;
  /** The real ports the member binds (with `proxied`, its peers dial proxies in front of them). */
  readonly quorumPort: number;
  readonly electionPort: number;
  /** The running process's id; undefined while killed. */
  readonly pid: number | undefined;
  readonly dataDir: string;
  readonly configFile: string;
}

export interface StartEnsembleOptions {
  /** Voting members (participants). At least 1. */
  readonly size: number;
  /** Non-voting members (`:observer` server lines, `peerType=observer`), numbered after the voters. Default 0. */
  readonly observers?: number;
  /** Default 2000 (ZooKeeper's). */
  readonly tickTimeMs?: number;
  /** Ticks a learner may take to connect and sync to a new leader. Default 10. */
  readonly initLimit?: number;
  /** Ticks a learner may fall behind (and the leader waits for a quorum of pings). Default 5. */
  readonly syncLimit?: number;
  /**
   * Put an in-process TCP proxy on every peer link, one per (viewer -> target, channel): each
   * member's own zoo.cfg lists every other member at the proxies it alone dials. This is what
   * partition(), isolate() and heal() act on. Clients still connect straight to the client ports.
   */
  readonly proxied?: boolean;
  /** With `proxied`: keep every byte of every peer connection (see recordings()). */
  readonly record?: boolean;
  /** fsync the txn log before acknowledging (zoo.cfg forceSync). Default false: kill -9 keeps the page cache. */
  readonly forceSync?: boolean;
  /** More zoo.cfg lines for every member; they override the generated ones (not server.N). */
  readonly extraConfig?: Readonly<Record<string, string>>;
  /** How long start-up (and restart()) may take until every member serves. Default 60 s. */
  readonly startTimeoutMs?: number;
  /** Log level of the members (Apache: SLF4J level; coord: pino level). Default 'warn'; 'info' shows sync modes. */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /** Where the members' directories go (one per member: data/, zoo.cfg). Default: a new temporary directory, removed by stop(). */
  readonly baseDir?: string;
}

export interface StartApacheEnsembleOptions extends StartEnsembleOptions {
  /** JVM tuning, as for startApacheZooKeeper: 'fast-start' (default) or 'throughput' (benches). */
  readonly jvm?: 'fast-start' | 'throughput';
}

export interface StartCoordEnsembleOptions extends StartEnsembleOptions {
  /** The coord CLI to run members with; default `<package>/dist/cli/main.js` (build first). */
  readonly mainJs?: string;
}

/** One TCP connection through a recorded peer proxy. */
export interface RecordedPeerConnection {
  /** Wall-clock ms (Date.now()) when the proxy accepted it. */
  readonly openedAtMs: number;
  /** Every byte `from` sent to `to` on this connection, in order (the dialer's side). */
  readonly sent: Buffer;
  /** Every byte `to` sent back to `from`. */
  readonly received: Buffer;
  /** The same bytes as they arrived, interleaved across both directions, for ordering questions. */
  readonly chunks: ReadonlyArray<{ readonly direction: 'sent' | 'received'; readonly atMs: number; readonly bytes: Buffer }>;
}

/**
 * The connections member `from` opened to member `to`'s `channel` port, in accept order. Peer
 * traffic is not length-prefixed framing (an election connection starts with an 8-byte protocol
 * version; QuorumPackets are bare jute records), so bytes are kept raw; decoding is the reader's job.
 */
export interface PeerRecording {
  readonly from: number;
  readonly to: number;
  readonly channel: PeerChannel;
  readonly connections: readonly RecordedPeerConnection[];
}

/** A line a member logged about how it synchronised with a leader (Apache: Learner/LearnerHandler at INFO). */
export interface SyncEvent {
  readonly member: number;
  readonly atMs: number;
  readonly mode: 'DIFF' | 'TRUNC' | 'SNAP';
  /** Whether the member logged it as the leader (sending) or as the learner (receiving). */
  readonly side: 'leader' | 'learner';
  /** On the leader's side, the learner it synchronised, when the line names it. */
  readonly learner?: number;
  readonly line: string;
}

export interface WaitForLeaderOptions {
  readonly timeoutMs?: number;
  /** Members whose claim to lead does not count (e.g. an isolated old leader that has not noticed yet). */
  readonly exclude?: readonly number[];
  /** Poll interval; default 20 ms. The precision of a measured election time. */
  readonly intervalMs?: number;
}

export interface EnsembleHandle {
  readonly kind: 'apache' | 'coord';
  /** The current state of every member (pid changes on restart). */
  readonly members: readonly EnsembleMember[];
  /** `127.0.0.1:p1,127.0.0.1:p2,...` of the given members (default: all, voters and observers). */
  connectString(ids?: readonly number[]): string;
  /** Every running member's `srvr` mode, polled in parallel. */
  modes(): Promise<Map<number, MemberMode>>;
  /** The member that says "Mode: leader"; if several do (an isolated old leader), the one with the newest epoch. */
  leader(): Promise<number | undefined>;
  /** Polls until a member not in `exclude` leads, or rejects after timeoutMs (default 30 s) naming every member's mode. */
  waitForLeader(options?: WaitForLeaderOptions): Promise<number>;
  /** Polls until the member answers srvr with leader, follower or observer. */
  waitForServing(id: number, timeoutMs?: number): Promise<MemberMode>;
  /** SIGKILL the member and wait for its process to exit. Its data stays. */
  kill(id: number): Promise<void>;
  /** Start a killed member again on the same ports, config and data; resolves once it serves. */
  restart(id: number, options?: { readonly waitForServing?: boolean }): Promise<void>;
  /** Members in different groups cannot reach each other (both directions, both channels); replaces any earlier partition. Every member must be in one group. Needs `proxied`. */
  partition(groups: readonly (readonly number[])[]): void;
  /** partition([[id], everyone else]). */
  isolate(id: number): void;
  /** Undo every partition: stalled connections are dropped (as a long partition ends them) and links forward again. */
  heal(): void;
  /** With `record`: the bytes of every peer connection so far; otherwise an empty list. */
  recordings(): PeerRecording[];
  /** Sync lines the members logged so far (needs logLevel 'info'; Apache format, and coord's when it logs "DIFF|TRUNC|SNAP"). */
  syncEvents(): SyncEvent[];
  /** The member's last output lines, for failure messages. */
  recentOutput(id: number): string;
  /** Kills every process it started, closes the proxies, removes the temporary directory. Idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
