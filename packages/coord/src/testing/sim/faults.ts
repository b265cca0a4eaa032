import type { PeerId, PeerOutput } from '../../quorum/core/types.js';
import { PacketType } from '../../quorum/core/types.js';
import type { Network } from './network.js';
import type { PeerHost } from './peer-host.js';
import type { Random } from './random.js';
import type { Scheduler } from './scheduler.js';

/**
 * Swarm testing: each seed enables a random subset of fault kinds (so some seeds hammer one
 * thing while others mix everything) and random intensities. Faults run only during the fault
 * phase; then everything heals, crashed peers restart, and the liveness phase begins.
 */
export const FAULT_KINDS = [
  'drop', // election datagrams lost
  'delay', // latency spikes on every link
  'reorder', // election datagrams with wide delay spread
  'partition', // symmetric splits
  'asymmetric', // one-way blocks
  'isolateLeader',
  'reset', // TCP connection resets
  'crash', // crash + restart of any peer, sometimes all of them
  'crashPoint', // crash right before a chosen output (sync phase, epoch writes, ACKs...)
  'torn', // a crash keeps part of the page cache, the last record torn
  'silentCrash', // a crash is a power loss: the far ends of its connections are not told
  'slowFsync',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultProfile {
  readonly enabled: ReadonlySet<FaultKind>;
  readonly faultPhaseMs: number;
  /** Mean time between fault events. */
  readonly meanGapMs: number;
  readonly electionDrop: number;
  /** Probability of a crash before one output (higher for the sync-phase outputs). */
  readonly crashPointRate: number;
}

export function chooseProfile(rng: Random, only?: readonly FaultKind[]): FaultProfile {
  const enabled = new Set<FaultKind>();
  if (only !== undefined) for (const k of only) enabled.add(k);
  else for (const k of FAULT_KINDS) if (rng.chance(0.5)) enabled.add(k);
  return {
    enabled,
    faultPhaseMs: rng.int(8_000, 20_000),
    meanGapMs: rng.pick([400, 1_000, 2_500, 5_000]),
    electionDrop: enabled.has('drop') ? rng.pick([0.02, 0.1, 0.3]) : 0,
    crashPointRate: enabled.has('crashPoint') ? rng.pick([0.0005, 0.002, 0.01]) : 0,
  };
}

export function describeProfile(p: FaultProfile): string {
  return `faults [${[...p.enabled].join(' ') || 'none'}] for ${p.faultPhaseMs}ms, one every ~${p.meanGapMs}ms`;
}

/** Link and disk conditions the fault injector changes while the run goes. */
export interface Conditions {
  spike: boolean;
  slowFsync: boolean;
  faultsOn: boolean;
}

/** What the injector acts on. */
export interface FaultTarget {
  readonly hosts: ReadonlyMap<PeerId, PeerHost>;
  readonly network: Network;
  leader(): PeerId | undefined;
  crash(peer: PeerId, why: string): void;
  restart(peer: PeerId): void;
  trace(line: string): void;
}

export class FaultInjector {
  readonly conditions: Conditions = { spike: false, slowFsync: false, faultsOn: true };
  crashes = 0;
  private healAt = 0;
  private readonly ids: PeerId[];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Random,
    readonly profile: FaultProfile,
    private readonly target: FaultTarget,
  ) {
    this.ids = [...target.hosts.keys()];
    this.conditions.slowFsync = profile.enabled.has('slowFsync');
  }

  start(): void {
    this.target.trace(describeProfile(this.profile));
    this.next();
  }

  private next(): void {
    this.scheduler.after(Math.max(1, Math.round(this.rng.exponential(this.profile.meanGapMs))), () => {
      if (!this.conditions.faultsOn) return;
      this.inject();
      this.next();
    });
  }

  private inject(): void {
    const kinds = [...this.profile.enabled].filter((k) => k !== 'drop' && k !== 'reorder' && k !== 'torn' && k !== 'silentCrash' && k !== 'crashPoint' && k !== 'slowFsync');
    if (kinds.length === 0) return;
    const kind = this.rng.pick(kinds);
    const net = this.target.network;
    switch (kind) {
      case 'delay': {
        this.conditions.spike = true;
        this.target.trace('fault: latency spike');
        this.scheduler.after(this.rng.int(200, 3_000), () => {
          this.conditions.spike = false;
        });
        return;
      }
      case 'partition': {
        const side = this.rng.shuffle([...this.ids]).slice(0, this.rng.int(1, Math.floor(this.ids.length / 2)));
        net.isolate(side, this.ids);
        this.target.trace(`fault: partition {${side.map((p) => `p${p}`).join(' ')}} | rest`);
        this.scheduleHeal();
        return;
      }
      case 'asymmetric': {
        const a = this.rng.pick(this.ids);
        const others = this.ids.filter((x) => x !== a);
        const outbound = this.rng.chance(0.5);
        const victims = this.rng.chance(0.5) ? others : [this.rng.pick(others)];
        for (const b of victims) {
          if (outbound) net.block(a, b);
          else net.block(b, a);
        }
        this.target.trace(`fault: one-way ${outbound ? `p${a} ↛ ${victims.map((p) => `p${p}`).join(',')}` : `${victims.map((p) => `p${p}`).join(',')} ↛ p${a}`}`);
        this.scheduleHeal();
        return;
      }
      case 'isolateLeader': {
        const leader = this.target.leader();
        if (leader === undefined) return;
        net.isolate([leader], this.ids);
        this.target.trace(`fault: isolate leader p${leader}`);
        this.scheduleHeal();
        return;
      }
      case 'reset': {
        const c = net.resetRandom();
        if (c !== undefined) this.target.trace(`fault: reset link#${c.id}`);
        return;
      }
      case 'crash': {
        const up = this.ids.filter((p) => this.target.hosts.get(p)?.up === true);
        if (up.length === 0) return;
        const victims = this.rng.chance(0.08) ? up : [this.rng.pick(up)];
        for (const p of victims) {
          this.crashes++;
          this.target.crash(p, victims.length > 1 ? 'fault: crash all' : 'fault: crash');
          this.scheduler.after(this.rng.int(20, 4_000), () => {
            if (!(this.target.hosts.get(p)?.up ?? true)) this.target.restart(p);
          });
        }
        return;
      }
    }
  }

  private scheduleHeal(): void {
    const at = this.scheduler.nowMs + this.rng.int(200, 6_000);
    if (at <= this.healAt) return;
    this.healAt = at;
    this.scheduler.at(at, () => {
      if (this.scheduler.nowMs < this.healAt || !this.target.network.partitioned) return;
      this.target.network.healAll();
      this.target.trace('fault: heal');
    });
  }

  /** Crash right before `output`? Sync-phase outputs, epoch writes and ACKs are favoured. */
  crashPoint(host: PeerHost, output: PeerOutput): boolean {
    if (!this.conditions.faultsOn || this.profile.crashPointRate === 0) return false;
    if (output.kind === 'timer' || output.kind === 'log' || output.kind === 'state') return false;
    let rate = this.profile.crashPointRate;
    const phase = host.core?.phase;
    if (phase === 'synchronization' || phase === 'discovery') rate *= 10;
    if (output.kind === 'writeEpoch' || output.kind === 'snapshot' || output.kind === 'reload') rate *= 10;
    if (output.kind === 'send' && (output.packet.type === PacketType.ACK || output.packet.type === PacketType.NEWLEADER || output.packet.type === PacketType.UPTODATE || output.packet.type === PacketType.COMMIT)) rate *= 4;
    if (!this.rng.chance(Math.min(rate, 0.5))) return false;
    this.crashes++;
    this.scheduler.after(this.rng.int(20, 3_000), () => {
      if (this.target.hosts.get(host.id)?.up === false) this.target.restart(host.id);
    });
    return true;
  }

  crashMode(): { keepPageCache: 'none' | 'prefix' | 'all'; tornProbability: number; silent: boolean } {
    const e = this.profile.enabled;
    const silent = e.has('silentCrash') && this.rng.chance(0.5);
    if (e.has('torn')) return { keepPageCache: 'prefix', tornProbability: 0.5, silent };
    // A killed process keeps what it wrote to the OS; a power loss keeps only what was fsynced.
    return { keepPageCache: this.rng.chance(0.5) ? 'all' : 'none', tornProbability: 0, silent };
  }

  /** The fault phase is over: heal, restart everyone, calm the links. */
  stop(): void {
    this.conditions.faultsOn = false;
    this.conditions.spike = false;
    this.conditions.slowFsync = false;
    this.target.network.healAll();
    this.target.trace('faults stop: heal all, restart crashed peers');
    for (const p of this.ids) {
      const h = this.target.hosts.get(p);
      if (h !== undefined && !h.up) this.scheduler.after(this.rng.int(0, 300), () => h.up || this.target.restart(p));
    }
  }
}
