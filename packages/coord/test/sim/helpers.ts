import type { ElectionNotification, PeerId, QuorumPacket } from '../../src/quorum/core/types.js';
import { PacketType, ServerState } from '../../src/quorum/core/types.js';
import { Network, type NetworkParams, type NetworkSink } from '../../src/testing/sim/network.js';
import { Random } from '../../src/testing/sim/random.js';
import { Scheduler } from '../../src/testing/sim/scheduler.js';

/** A network whose sink records what each peer was told, as `p2 up p1`, `p2 pkt p1 #3`. */
export function recordingNetwork(params: Partial<NetworkParams> = {}, seed = 1) {
  const scheduler = new Scheduler();
  const rng = new Random(seed);
  const up = new Set<PeerId>([1, 2, 3]);
  const events: string[] = [];
  const sink: NetworkSink = {
    isUp: (p) => up.has(p),
    election: (to, from, n) => events.push(`p${to} vote p${from} #${n.zxid}`),
    linkUp: (at, peer) => events.push(`p${at} up p${peer}`),
    linkDown: (at, peer) => events.push(`p${at} down p${peer}`),
    packet: (at, from, p) => events.push(`p${at} pkt p${from} #${p.zxid}`),
    trace: () => undefined,
  };
  const network = new Network(
    scheduler,
    rng,
    {
      electionDrop: 0,
      electionDelayMs: (r) => r.int(1, 50),
      linkLatencyMs: () => 2,
      packetJitterMs: (r) => r.int(0, 30),
      stallResetMs: () => 5_000,
      connectTimeoutMs: () => 1_000,
      ...params,
    },
    sink,
  );
  const run = (): void => {
    while (scheduler.step());
  };
  return { scheduler, network, up, events, run };
}

export const pkt = (n: number): QuorumPacket => ({ type: PacketType.PING, zxid: BigInt(n), data: null, authinfo: [] });

export const vote = (n: number): ElectionNotification => ({ state: ServerState.LOOKING, leader: 1, zxid: BigInt(n), electionEpoch: 1n, peerEpoch: 0n, version: 2, config: '' });
