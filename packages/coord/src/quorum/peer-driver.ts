import type { DataDir } from '../server/persistence/index.js';
import { ServerState, type PeerInput, type PeerOutput, type RecoveredState } from './core/types.js';

/** The PeerCore surface the driver uses (core/peer.ts). */
export interface DrivenCore {
  start(nowMs: number): PeerOutput[];
  handle(input: PeerInput, nowMs: number): PeerOutput[];
  readonly tree: DataDir['tree'];
  readonly sessions: ReadonlyMap<bigint, number>;
}

/** The peer links the driver sends through (quorum/transport.ts). */
export interface DriverTransport {
  sendElection(to: number, notification: Extract<PeerOutput, { kind: 'sendElection' }>['notification']): void;
  connect(leader: number): void;
  send(to: number, packet: Extract<PeerOutput, { kind: 'send' }>['packet'], snapshot?: Uint8Array): void;
  disconnect(peer: number): void;
  listenQuorum(): Promise<void>;
  stopListeningQuorum(): Promise<void>;
}

export interface PeerDriverHooks {
  readonly transport: DriverTransport;
  readonly dataDir: DataDir;
  /** Executes an output that concerns clients; false when it is not one. */
  readonly clients: (output: PeerOutput) => boolean;
  /** The state the disk holds after a reload, with the epochs read back. */
  readonly reloadedState: () => Promise<RecoveredState>;
  readonly onState: (output: Extract<PeerOutput, { kind: 'state' }>) => void;
  readonly log: (level: 'debug' | 'info' | 'warn', message: string) => void;
  /** The driver cannot go on (a disk write failed, the core threw): the member must stop. */
  readonly onFatal: (err: Error) => void;
  readonly now: () => number;
}

/**
 * Runs a PeerCore with real time, sockets and disk (the shell's event loop): inputs are fed one
 * at a time, every output is executed in order, and an output that must complete before the
 * next (writeEpoch, snapshot, reload, opening the quorum port) parks the queue until it has:
 * inputs arriving meanwhile wait their turn, so the core sees the world in the order it happened.
 * Re-entrant feeds (a client write submitted while an output is being executed) are queued too.
 */
export class PeerDriver {
  private readonly inputs: PeerInput[] = [];
  private readonly outputs: PeerOutput[] = [];
  private running = false;
  private parked = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;

  constructor(
    private readonly core: DrivenCore,
    private readonly hooks: PeerDriverHooks,
  ) {}

  start(): void {
    this.outputs.push(...this.core.start(this.hooks.now()));
    this.pump();
  }

  feed(input: PeerInput): void {
    if (this.stopped) return;
    this.inputs.push(input);
    this.pump();
  }

  /** No input or output is processed after this. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.inputs.length = 0;
    this.outputs.length = 0;
  }

  private pump(): void {
    if (this.running || this.parked || this.stopped) return;
    this.running = true;
    try {
      while (!this.stopped) {
        const output = this.outputs.shift();
        if (output !== undefined) {
          const wait = this.execute(output);
          if (wait !== undefined) {
            this.park(wait);
            return;
          }
          continue;
        }
        const input = this.inputs.shift();
        if (input === undefined) return;
        this.outputs.push(...this.core.handle(input, this.hooks.now()));
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.running = false;
    }
  }

  private park(wait: Promise<void>): void {
    this.parked = true;
    wait.then(
      () => {
        this.parked = false;
        this.pump();
      },
      (err: unknown) => this.fail(err),
    );
  }

  private fail(err: unknown): void {
    if (this.stopped) return;
    const error = err instanceof Error ? err : new Error(String(err));
    this.stop();
    this.hooks.onFatal(error);
  }

  /** Executes one output; a promise when the next must wait for it. */
  private execute(output: PeerOutput): Promise<void> | undefined {
    const { transport, dataDir } = this.hooks;
    switch (output.kind) {
      case 'sendElection':
        transport.sendElection(output.to, output.notification);
        return undefined;
      case 'connect':
        transport.connect(output.leader);
        return undefined;
      case 'send':
        transport.send(output.to, output.packet, output.snapshot);
        return undefined;
      case 'disconnect':
        transport.disconnect(output.peer);
        return undefined;
      case 'append':
        dataDir.append(output.entry);
        return undefined;
      case 'writeEpoch':
        return output.which === 'acceptedEpoch' ? dataDir.writeAcceptedEpoch(output.epoch) : dataDir.writeCurrentEpoch(output.epoch);
      case 'snapshot':
        return this.snapshot();
      case 'reload':
        return this.reload(output.truncateTo);
      case 'timer':
        this.setTimer(output.atMs);
        return undefined;
      case 'state':
        this.hooks.onState(output);
        return this.quorumPort(output.state === ServerState.LEADING);
      case 'log':
        this.hooks.log(output.level, output.message);
        return undefined;
      default:
        if (!this.hooks.clients(output)) this.hooks.log('warn', `unhandled core output ${output.kind}`);
        return undefined;
    }
  }

  private setTimer(atMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.feed({ kind: 'tick' });
      },
      Math.max(0, atMs - this.hooks.now()),
    );
  }

  /**
   * After a SNAP sync the core's tree is a new one: it replaces the dataDir's (cutting any log
   * entries after it, a diverged history) and is snapshotted. Otherwise the tree is the dataDir's
   * own and a plain snapshot does.
   */
  private async snapshot(): Promise<void> {
    const { dataDir } = this.hooks;
    if (this.core.tree === dataDir.tree) await dataDir.takeSnapshot();
    else await dataDir.installSnapshot(this.core.tree, this.core.sessions);
  }

  /** TRUNC: cut the log, rebuild from disk, and tell the core before anything else. */
  private async reload(truncateTo: bigint): Promise<void> {
    await this.hooks.dataDir.truncate(truncateTo);
    const state = await this.hooks.reloadedState();
    this.inputs.unshift({ kind: 'reloaded', state });
  }

  /** The leader accepts learners on its quorum port; nobody else listens there. */
  private quorumPort(leading: boolean): Promise<void> | undefined {
    if (leading === this.leading) return undefined;
    this.leading = leading;
    const { transport } = this.hooks;
    return (leading ? transport.listenQuorum() : transport.stopListeningQuorum()).catch((err: unknown) => {
      this.hooks.log('warn', `quorum port: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}
