/**
 * Captures golden quorum bytes from a real 3-node Apache ZooKeeper ensemble on loopback.
 *
 * Every server's zoo.cfg lists itself at its real ports and each other server at ports of a
 * recording forwarder owned by this script (one per dialer and target), so every quorum-port
 * connection, and every election connection a peer dials, is recorded byte for byte. (An
 * election dial-back goes to the address in the dialer's handshake, its real port, and is not
 * seen; the larger-sid dials that carry the election are.)
 *
 * Scenario: writes through a follower (REQUEST) and the leader; the leader is killed (election,
 * DIFF sync on restart); a follower is restarted with an empty data dir (SNAP, as
 * zookeeper.snapshotSizeFactor=-1 disables syncing from the txn log); the leader's proposals are
 * held back while it logs a write, then it is killed and restarted (TRUNC).
 *
 * Writes election.bin, quorum.bin and index.json next to this file.
 * Run from the repository root: `npx tsx packages/coord/test/golden/quorum/capture.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type CoordClient } from '../../../src/index.js';
import { fourLetterWord, getFreePort, locateApacheZooKeeper, locateJava } from '../../../src/testing/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const HOST = '127.0.0.1';
const TICK_MS = 500;
const IDS = [1, 2, 3] as const;
type Sid = (typeof IDS)[number];

interface Chunk {
  readonly dir: 'fromDialer' | 'fromTarget';
  readonly bytes: Buffer;
}

interface Recorded {
  readonly kind: 'election' | 'quorum';
  readonly dialer: Sid;
  readonly target: Sid;
  readonly seq: number;
  readonly phase: string;
  readonly chunks: Chunk[];
}

const recorded: Recorded[] = [];
let seq = 0;
let phase = 'start';
const log = (msg: string): void => console.log(`[capture ${new Date().toISOString().slice(11, 23)}] ${msg}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A forwarder that records both directions and can hold back the target's bytes. */
class Tap {
  readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private held = false;
  private readonly resumers: Array<() => void> = [];

  constructor(
    readonly kind: 'election' | 'quorum',
    readonly dialer: Sid,
    readonly target: Sid,
    readonly port: number,
    readonly upstreamPort: number,
  ) {}

  async start(): Promise<void> {
    const server = createServer({ allowHalfOpen: true }, (down) => this.accept(down));
    this.server = server;
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen({ host: HOST, port: this.port }, resolve));
  }

  private accept(down: Socket): void {
    const up = connect({ host: HOST, port: this.upstreamPort, allowHalfOpen: true });
    const rec: Recorded = { kind: this.kind, dialer: this.dialer, target: this.target, seq: seq++, phase, chunks: [] };
    recorded.push(rec);
    for (const s of [down, up]) {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => {
        down.destroy();
        up.destroy();
      });
      s.on('close', () => {
        this.sockets.delete(s);
        (s === down ? up : down).destroySoon();
      });
    }
    down.on('data', (b: Buffer) => {
      rec.chunks.push({ dir: 'fromDialer', bytes: b });
      up.write(b);
    });
    up.on('data', (b: Buffer) => {
      rec.chunks.push({ dir: 'fromTarget', bytes: b });
      if (this.held) this.resumers.push(() => down.write(b));
      else down.write(b);
    });
    down.on('end', () => up.end());
    up.on('end', () => down.end());
  }

  /** Stops forwarding what the target sends (it is still recorded). */
  hold(): void {
    this.held = true;
  }

  dropAll(): void {
    this.held = false;
    this.resumers.length = 0;
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }
}

interface Member {
  readonly id: Sid;
  readonly clientPort: number;
  readonly quorumPort: number;
  readonly electionPort: number;
  readonly dir: string;
  proc?: ChildProcess;
  output: string;
}

async function main(): Promise<void> {
  const install = locateApacheZooKeeper();
  const java = locateJava();
  if (install === undefined || java === undefined) throw new Error('Apache ZooKeeper and a JVM are needed (apt-get install zookeeper)');
  const root = await mkdtemp(join(tmpdir(), 'coordlab-quorum-capture-'));
  const members = new Map<Sid, Member>();
  for (const id of IDS) {
    const dir = join(root, `m${id}`);
    members.set(id, { id, clientPort: await getFreePort(), quorumPort: await getFreePort(), electionPort: await getFreePort(), dir, output: '' });
  }
  const taps: Tap[] = [];
  const tapPorts = new Map<string, number>();
  for (const dialer of IDS)
    for (const target of IDS) {
      if (dialer === target) continue;
      const m = members.get(target) as Member;
      for (const kind of ['quorum', 'election'] as const) {
        const tap = new Tap(kind, dialer, target, await getFreePort(), kind === 'quorum' ? m.quorumPort : m.electionPort);
        await tap.start();
        taps.push(tap);
        tapPorts.set(`${kind}:${dialer}:${target}`, tap.port);
      }
    }

  const cfgOf = (m: Member): string => {
    const lines = [
      `tickTime=${TICK_MS}`,
      'initLimit=10',
      'syncLimit=5',
      `dataDir=${join(m.dir, 'data')}`,
      `clientPort=${m.clientPort}`,
      `clientPortAddress=${HOST}`,
      'admin.enableServer=false',
      '4lw.commands.whitelist=*',
      'maxClientCnxns=0',
      'forceSync=no',
    ];
    for (const id of IDS) {
      const o = members.get(id) as Member;
      const q = id === m.id ? o.quorumPort : (tapPorts.get(`quorum:${m.id}:${id}`) as number);
      const e = id === m.id ? o.electionPort : (tapPorts.get(`election:${m.id}:${id}`) as number);
      lines.push(`server.${id}=${HOST}:${q}:${e}`);
    }
    return lines.join('\n') + '\n';
  };

  const prepare = async (m: Member, wipe: boolean): Promise<void> => {
    if (wipe) await rm(join(m.dir, 'data'), { recursive: true, force: true });
    await mkdir(join(m.dir, 'data'), { recursive: true });
    await writeFile(join(m.dir, 'data', 'myid'), `${m.id}\n`);
    await writeFile(join(m.dir, 'zoo.cfg'), cfgOf(m));
  };

  const startMember = (m: Member): void => {
    const args = [
      '-Xmx256m',
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-XX:-UsePerfData',
      '-Dzookeeper.admin.enableServer=false',
      '-Dzookeeper.4lw.commands.whitelist=*',
      '-Dzookeeper.snapshotSizeFactor=-1',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
      '-Dorg.slf4j.simpleLogger.logFile=System.err',
      '-cp',
      install.classpath.join(':'),
      'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      join(m.dir, 'zoo.cfg'),
    ];
    const proc = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: m.dir });
    m.output = '';
    const keep = (b: Buffer): void => {
      m.output = (m.output + b.toString()).slice(-200_000);
    };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    m.proc = proc;
  };

  const kill = async (m: Member, signal: NodeJS.Signals): Promise<void> => {
    const proc = m.proc;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };

  const modeOf = async (m: Member): Promise<string | undefined> => {
    try {
      return /Mode: (\w+)/.exec(await fourLetterWord(HOST, m.clientPort, 'srvr', 1_000))?.[1];
    } catch {
      return undefined;
    }
  };

  /** Waits until every member in `ids` serves and exactly one leads; returns the leader. */
  const waitQuorum = async (ids: readonly Sid[], what: string): Promise<Sid> => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const modes = await Promise.all(ids.map((id) => modeOf(members.get(id) as Member)));
      const leaders = ids.filter((_, i) => modes[i] === 'leader');
      if (modes.every((x) => x === 'leader' || x === 'follower') && leaders.length === 1) {
        log(`${what}: modes ${ids.map((id, i) => `${id}=${modes[i]}`).join(' ')}`);
        return leaders[0] as Sid;
      }
      await sleep(100);
    }
    for (const id of ids) console.error(`--- member ${id} output ---\n${(members.get(id) as Member).output.slice(-5000)}`);
    throw new Error(`${what}: no quorum within 60 s`);
  };

  const client = async (id: Sid): Promise<CoordClient> => {
    const c = createClient(`${HOST}:${(members.get(id) as Member).clientPort}`, { sessionTimeoutMs: 10_000 });
    await c.waitForConnected({ timeoutMs: 20_000 });
    return c;
  };

  try {
    for (const m of members.values()) await prepare(m, true);
    for (const m of members.values()) startMember(m);
    const leader1 = await waitQuorum(IDS, 'initial');
    const follower = IDS.find((id) => id !== leader1) as Sid;

    phase = 'writes';
    const viaFollower = await client(follower);
    await viaFollower.create('/golden', Buffer.from('v0'));
    await viaFollower.setData('/golden', Buffer.from('v1'));
    await viaFollower.create('/golden/tmp', Buffer.from('t'));
    await viaFollower.delete('/golden/tmp');
    await viaFollower.create('/golden/eph', null, { mode: 'EPHEMERAL' });
    const brief = await client(follower);
    await brief.create('/golden/brief', Buffer.from('b'));
    await brief.close();
    const viaLeader = await client(leader1);
    await viaLeader.create('/golden/leader', Buffer.from('L'));
    await viaLeader.close();
    await sleep(3 * TICK_MS); // let pings with touch tables flow

    phase = 'leader-kill';
    log(`killing leader ${leader1}`);
    await kill(members.get(leader1) as Member, 'SIGKILL');
    const rest = IDS.filter((id) => id !== leader1);
    const leader2 = await waitQuorum(rest, 'after leader kill');
    const w2 = await client(rest.find((id) => id !== leader2) as Sid);
    await w2.create('/golden/after-kill', Buffer.from('k'));

    phase = 'diff-restart';
    startMember(members.get(leader1) as Member);
    await waitQuorum(IDS, 'old leader back (DIFF)');
    await w2.close();
    await viaFollower.close();

    phase = 'snap-restart';
    const wiped = IDS.find((id) => id !== leader2) as Sid;
    log(`restarting ${wiped} with an empty data dir`);
    await kill(members.get(wiped) as Member, 'SIGTERM');
    await prepare(members.get(wiped) as Member, true);
    startMember(members.get(wiped) as Member);
    await waitQuorum(IDS, 'wiped follower back (SNAP)');

    phase = 'trunc';
    // Quickly, well inside syncLimit: the followers must not notice the silence and re-elect
    // the held leader (that would raise its accepted epoch past the next leader's).
    const lost = await client(leader2);
    log(`holding back leader ${leader2}'s quorum output and writing to it`);
    for (const t of taps) if (t.kind === 'quorum' && t.target === leader2) t.hold();
    void lost.create('/golden/lost', Buffer.from('x')).catch(() => undefined);
    await sleep(400);
    log(`killing leader ${leader2}`);
    await kill(members.get(leader2) as Member, 'SIGKILL');
    for (const t of taps) if (t.target === leader2) t.dropAll();
    void lost.close().catch(() => undefined);
    const others = IDS.filter((id) => id !== leader2);
    await waitQuorum(others, 'after second kill');
    phase = 'trunc-restart';
    startMember(members.get(leader2) as Member);
    await waitQuorum(IDS, 'killed leader back (TRUNC)');
    await sleep(2 * TICK_MS);
    phase = 'end';
  } finally {
    for (const m of members.values()) await kill(m, 'SIGKILL');
    for (const t of taps) await t.close();
    await rm(root, { recursive: true, force: true });
  }
  await writeOutput(install.home);
}

async function writeOutput(zookeeperHome: string): Promise<void> {
  const blobs: Record<'election' | 'quorum', Buffer[]> = { election: [], quorum: [] };
  const offsets = { election: 0, quorum: 0 };
  const streams: object[] = [];
  for (const rec of recorded) {
    for (const dir of ['fromDialer', 'fromTarget'] as const) {
      const bytes = Buffer.concat(rec.chunks.filter((c) => c.dir === dir).map((c) => c.bytes));
      if (bytes.length === 0) continue;
      const file = `${rec.kind}.bin`;
      streams.push({ file, offset: offsets[rec.kind], length: bytes.length, kind: rec.kind, connection: rec.seq, dialer: rec.dialer, target: rec.target, from: dir === 'fromDialer' ? rec.dialer : rec.target, direction: dir, phase: rec.phase });
      blobs[rec.kind].push(bytes);
      offsets[rec.kind] += bytes.length;
    }
  }
  await writeFile(join(here, 'election.bin'), Buffer.concat(blobs.election));
  await writeFile(join(here, 'quorum.bin'), Buffer.concat(blobs.quorum));
  const index = {
    about: 'Raw learner<->leader and election connection bytes from a 3-node Apache ZooKeeper ensemble (capture.ts). Election dialer streams start with the handshake; quorum target streams are leader->learner.',
    zookeeper: zookeeperHome,
    tickTimeMs: TICK_MS,
    streams,
  };
  await writeFile(join(here, 'index.json'), JSON.stringify(index, null, 1) + '\n');
  log(`wrote ${streams.length} streams: election.bin ${offsets.election} bytes, quorum.bin ${offsets.quorum} bytes`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
