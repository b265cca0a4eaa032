import { startTcpProxy, type TcpProxy } from '../tcp-proxy.js';
import { startPeerRelay, type PeerRelay } from './peer-relay.js';
import { LOOPBACK } from './zoo-cfg.js';
import { PEER_CHANNELS, type PeerChannel, type PeerRecording } from './types.js';

/** One directed peer link: what `from` dials to reach `to`'s `channel` port. */
interface Link {
  readonly from: number;
  readonly to: number;
  readonly channel: PeerChannel;
  readonly proxy: TcpProxy;
  readonly relay: PeerRelay;
  cut: boolean;
}

export interface MeshTarget {
  readonly id: number;
  readonly quorumPort: number;
  readonly electionPort: number;
}

/**
 * The proxy mesh of a proxied ensemble: for every ordered pair (viewer, target) of distinct
 * members and each peer channel, a startTcpProxy forwarding to the target's real port (through
 * a PeerRelay, which records and retries refused quorum connects). Member `viewer`'s zoo.cfg lists `target` at these proxies, so
 * cutting the (a -> b) and (b -> a) links of both channels separates a and b completely, while
 * each of them still reaches everyone else.
 */
export class ProxyMesh {
  private constructor(private readonly links: Link[]) {}

  /** `quorumConnectRetryMs`: how long a relay retries a refused quorum-port connect (see peer-relay.ts); initLimit × tickTime. */
  static async start(members: readonly MeshTarget[], record: boolean, quorumConnectRetryMs: number): Promise<ProxyMesh> {
    const links: Link[] = [];
    const mesh = new ProxyMesh(links);
    try {
      for (const viewer of members) {
        for (const target of members) {
          if (viewer.id === target.id) continue;
          for (const channel of PEER_CHANNELS) {
            const port = channel === 'quorum' ? target.quorumPort : target.electionPort;
            // The election relay (viewer -> target) tells target to dial viewer back through (target -> viewer).
            const electionAddress = channel === 'election' ? () => `${LOOPBACK}:${mesh.portFor(target.id, viewer.id, 'election')}` : undefined;
            const relay = await startPeerRelay({ host: LOOPBACK, port }, { record, connectRetryMs: channel === 'quorum' ? quorumConnectRetryMs : 0, ...(electionAddress === undefined ? {} : { electionAddress }) });
            const proxy = await startTcpProxy({ host: LOOPBACK, port: relay.port });
            links.push({ from: viewer.id, to: target.id, channel, proxy, relay, cut: false });
          }
        }
      }
    } catch (err) {
      await mesh.close();
      throw err;
    }
    return mesh;
  }

  /** The port member `viewer` dials to reach `target`'s `channel` port. */
  portFor(viewer: number, target: number, channel: PeerChannel): number {
    const link = this.links.find((l) => l.from === viewer && l.to === target && l.channel === channel);
    if (link === undefined) throw new Error(`no proxy from ${viewer} to ${target} (${channel})`);
    return link.proxy.port;
  }

  /**
   * Black-holes every link between members of different groups, both ways: connections stay
   * open and new ones are accepted, but no byte passes, as across a real partition (timeouts,
   * not resets, are how the members find out). The groups replace any earlier partition: links
   * inside a group that were cut are healed (see heal()).
   */
  partition(groups: readonly (readonly number[])[]): void {
    const groupOf = new Map<number, number>();
    groups.forEach((group, index) => {
      for (const id of group) {
        if (groupOf.has(id)) throw new Error(`member ${id} is in more than one partition group`);
        groupOf.set(id, index);
      }
    });
    for (const link of this.links) {
      for (const id of [link.from, link.to]) if (!groupOf.has(id)) throw new Error(`member ${id} is in no partition group (name every member)`);
    }
    for (const link of this.links) {
      const cut = groupOf.get(link.from) !== groupOf.get(link.to);
      if (cut && !link.cut) {
        link.cut = true;
        link.proxy.pause();
      } else if (!cut && link.cut) {
        this.reconnect(link);
      }
    }
  }

  /**
   * Reconnects everything. Connections that were stalled across the partition are dropped rather
   * than resumed: their ends have long timed out, and a real network would answer their
   * retransmissions with resets. The members dial again, as they would.
   */
  heal(): void {
    for (const link of this.links) if (link.cut) this.reconnect(link);
  }

  private reconnect(link: Link): void {
    link.cut = false;
    link.proxy.dropConnections();
    link.proxy.resume();
  }

  recordings(): PeerRecording[] {
    return this.links
      .map((l) => ({ from: l.from, to: l.to, channel: l.channel, connections: l.relay.connections }));
  }

  async close(): Promise<void> {
    await Promise.all(this.links.map(async (l) => {
      await l.proxy.close();
      await l.relay.close();
    }));
  }
}
