/**
 * Shared by the quorum-node tests: coord ensemble members started in this process with
 * startQuorumPeer (free ports, temp dataDirs), clients on them, and teardown of all of it.
 * Set COORD_QUORUM_LOG=1 to see the members' logs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type CoordClient } from '../../src/index.js';
import type { QuorumServerSpec } from '../../src/config/index.js';
import { startQuorumPeer, type QuorumPeer, type QuorumPeerOptions } from '../../src/quorum/node.js';
import { getFreePort } from '../../src/testing/free-port.js';

export class QuorumFixture {
  readonly peers: QuorumPeer[] = [];
  readonly clients: CoordClient[] = [];
  private readonly dirs: string[] = [];
  private readonly optionsOf = new Map<number, QuorumPeerOptions>();
  private readonly clientPortOf = new Map<number, number>();

  async teardown(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(this.peers.splice(0).map((p) => p.stop()));
    await Promise.all(this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }

  async start(n: number, options: Partial<QuorumPeerOptions> = {}): Promise<QuorumPeer[]> {
    const servers: QuorumServerSpec[] = [];
    for (let id = 1; id <= n; id++) servers.push({ id, host: '127.0.0.1', quorumPort: await getFreePort(), electionPort: await getFreePort(), role: 'participant' });
    return Promise.all(
      servers.map(async (s) => {
        const dataDir = await mkdtemp(join(tmpdir(), `coord-quorum-${s.id}-`));
        this.dirs.push(dataDir);
        const peerOptions: QuorumPeerOptions = {
          myid: s.id,
          servers,
          dataDir,
          tickTimeMs: 200,
          initLimit: 10,
          syncLimit: 5,
          minSessionTimeoutMs: 1_000,
          maxSessionTimeoutMs: 20_000,
          preAllocSizeBytes: 64 * 1024,
          finalizeWaitMs: 50,
          ...(process.env['COORD_QUORUM_LOG'] === undefined ? {} : { log: (level: string, message: string) => console.log(`[${s.id}] ${level} ${message}`) }),
          ...options,
        };
        this.optionsOf.set(s.id, peerOptions);
        const peer = await startQuorumPeer(peerOptions);
        this.clientPortOf.set(s.id, peer.clientPort);
        this.peers.push(peer);
        return peer;
      }),
    );
  }

  /** Stops a member (and forgets it for teardown). */
  async stop(peer: QuorumPeer): Promise<void> {
    const at = this.peers.indexOf(peer);
    if (at >= 0) this.peers.splice(at, 1);
    await peer.stop();
  }

  /** The dataDir of member `id`. */
  dataDirOf(id: number): string {
    const options = this.optionsOf.get(id);
    if (options === undefined) throw new Error(`no member ${id}`);
    return options.dataDir;
  }

  /** Starts member `id` again on its dataDir and client port (after stop). */
  async restart(id: number): Promise<QuorumPeer> {
    const options = this.optionsOf.get(id);
    if (options === undefined) throw new Error(`no member ${id}`);
    const clientPort = this.clientPortOf.get(id);
    const peer = await startQuorumPeer(clientPort === undefined ? options : { ...options, clientPort });
    this.peers.push(peer);
    return peer;
  }

  client(connectString: string | QuorumPeer, sessionTimeoutMs = 10_000): CoordClient {
    const c = createClient(typeof connectString === 'string' ? connectString : connectString.connectString, { sessionTimeoutMs });
    this.clients.push(c);
    return c;
  }

  async close(c: CoordClient): Promise<void> {
    const at = this.clients.indexOf(c);
    if (at >= 0) this.clients.splice(at, 1);
    await c.close();
  }
}

/** Polls until exactly one live member leads and every other live member follows it and serves. */
export async function settled(members: readonly QuorumPeer[], timeoutMs = 20_000): Promise<{ leader: QuorumPeer; followers: QuorumPeer[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leaders = members.filter((m) => m.mode === 'leader' && m.serving);
    const followers = members.filter((m) => m.mode === 'follower' && m.serving);
    const leader = leaders[0];
    if (leaders.length === 1 && leader !== undefined && followers.length === members.length - 1 && followers.every((f) => f.leaderId === leader.id)) {
      return { leader, followers };
    }
    if (Date.now() > deadline) throw new Error(`no settled ensemble within ${timeoutMs} ms: ${members.map((m) => `${m.id}=${m.mode}${m.serving ? '' : '(not serving)'}`).join(' ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const text = (data: Uint8Array | null): string => new TextDecoder().decode(data ?? new Uint8Array(0));
