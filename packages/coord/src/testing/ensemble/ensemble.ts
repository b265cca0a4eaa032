import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fourLetterWord } from '../four-letter-word.js';
import { getFreePort } from '../free-port.js';
import { OutputTail } from '../output-tail.js';
import { describeExit, MemberProcess, trackDir, untrackDir, type LaunchSpec } from './member-process.js';
import { ProxyMesh } from './mesh.js';
import { parseSyncLine } from './sync-lines.js';
import type { EnsembleHandle, EnsembleMember, MemberMode, MemberRole, StartEnsembleOptions, SyncEvent, WaitForLeaderOptions } from './types.js';
import { LOOPBACK, memberZooCfg, parseSrvrEpoch, parseSrvrMode, type ServerLine } from './zoo-cfg.js';

/** How one kind of server is started: the only thing that differs between Apache and coord members. */
export interface MemberLauncher {
  readonly kind: 'apache' | 'coord';
  /** For messages: what runs the members. */
  readonly describe: string;
  spec(configFile: string, memberDir: string): Promise<LaunchSpec>;
}

const DEFAULTS = { tickTimeMs: 2_000, initLimit: 10, syncLimit: 5, startTimeoutMs: 60_000 } as const;
const SRVR_TIMEOUT_MS = 1_000;
const SERVING_POLL_MS = 50;
const TAIL_LINES = 400;

interface Slot {
  readonly id: number;
  readonly role: MemberRole;
  readonly clientPort: number;
  readonly quorumPort: number;
  readonly electionPort: number;
  readonly dir: string;
  readonly dataDir: string;
  readonly configFile: string;
  readonly tail: OutputTail;
  process: MemberProcess | undefined;
}

/** `count` distinct ports that were free a moment ago (see getFreePort for the race this leaves). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await getFreePort(LOOPBACK));
  return [...ports];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts the members of an ensemble with `launcher` and returns its handle once every member serves and one leads. */
export async function startEnsembleWith(launcher: MemberLauncher, options: StartEnsembleOptions): Promise<EnsembleHandle> {
  const observers = options.observers ?? 0;
  if (!Number.isInteger(options.size) || options.size < 1) throw new Error(`ensemble size must be a positive integer, got ${options.size}`);
  if (!Number.isInteger(observers) || observers < 0) throw new Error(`observers must be a non-negative integer, got ${observers}`);
  if (options.record === true && options.proxied !== true) throw new Error('record needs proxied: true (bytes are recorded by the proxy mesh)');
  const total = options.size + observers;
  const ownDir = options.baseDir === undefined;
  const baseDir = options.baseDir ?? (await mkdtemp(join(tmpdir(), `coordlab-ensemble-${launcher.kind}-`)));
  if (ownDir) trackDir(baseDir);
  const ports = await freePorts(total * 3);
  const slots: Slot[] = [];
  for (let id = 1; id <= total; id++) {
    const dir = join(baseDir, `member-${id}`);
    const at = (id - 1) * 3;
    slots.push({
      id,
      role: id > options.size ? 'observer' : 'participant',
      clientPort: ports[at] as number,
      quorumPort: ports[at + 1] as number,
      electionPort: ports[at + 2] as number,
      dir,
      dataDir: join(dir, 'data'),
      configFile: join(dir, 'zoo.cfg'),
      tail: new OutputTail(TAIL_LINES),
      process: undefined,
    });
  }
  let mesh: ProxyMesh | undefined;
  const ensemble = new Ensemble(launcher, slots, baseDir, ownDir, options.startTimeoutMs ?? DEFAULTS.startTimeoutMs);
  try {
    if (options.proxied === true) mesh = await ProxyMesh.start(slots, options.record === true, (options.initLimit ?? DEFAULTS.initLimit) * (options.tickTimeMs ?? DEFAULTS.tickTimeMs));
    ensemble.mesh = mesh;
    for (const slot of slots) {
      const servers: ServerLine[] = slots.map((s) => ({
        id: s.id,
        role: s.role,
        host: LOOPBACK,
        quorumPort: s.id === slot.id || mesh === undefined ? s.quorumPort : mesh.portFor(slot.id, s.id, 'quorum'),
        electionPort: s.id === slot.id || mesh === undefined ? s.electionPort : mesh.portFor(slot.id, s.id, 'election'),
        clientPort: s.clientPort,
      }));
      await mkdir(slot.dataDir, { recursive: true });
      await writeFile(join(slot.dataDir, 'myid'), `${slot.id}\n`);
      const config = memberZooCfg({
        myid: slot.id,
        role: slot.role,
        dataDir: slot.dataDir,
        clientPort: slot.clientPort,
        tickTimeMs: options.tickTimeMs ?? DEFAULTS.tickTimeMs,
        initLimit: options.initLimit ?? DEFAULTS.initLimit,
        syncLimit: options.syncLimit ?? DEFAULTS.syncLimit,
        forceSync: options.forceSync ?? false,
        servers,
        extra: options.extraConfig ?? {},
      });
      await writeFile(slot.configFile, config);
    }
    for (const slot of slots) await ensemble.launch(slot);
    const deadline = Date.now() + ensemble.startTimeoutMs;
    await Promise.all(slots.map((s) => ensemble.waitForServing(s.id, Math.max(1, deadline - Date.now()))));
    await ensemble.waitForLeader({ timeoutMs: Math.max(1, deadline - Date.now()) });
    return ensemble;
  } catch (err) {
    const outputs = slots.map((s) => `--- member ${s.id} (${s.process === undefined ? 'not started' : s.process.running ? 'running' : 'exited'}):\n${s.tail.text() || '(no output)'}`).join('\n');
    await ensemble.stop();
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${launcher.describe}: ensemble of ${options.size}${observers > 0 ? ` + ${observers} observer(s)` : ''} did not start: ${message}\n${outputs}`);
  }
}

class Ensemble implements EnsembleHandle {
  mesh: ProxyMesh | undefined;
  private readonly sync: SyncEvent[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly launcher: MemberLauncher,
    private readonly slots: readonly Slot[],
    private readonly baseDir: string,
    private readonly ownDir: boolean,
    readonly startTimeoutMs: number,
  ) {}

  get kind(): 'apache' | 'coord' {
    return this.launcher.kind;
  }

  get members(): EnsembleMember[] {
    return this.slots.map((s) => ({
      id: s.id,
      role: s.role,
      clientPort: s.clientPort,
      quorumPort: s.quorumPort,
      electionPort: s.electionPort,
      pid: s.process?.running === true ? s.process.pid : undefined,
      dataDir: s.dataDir,
      configFile: s.configFile,
    }));
  }

  private slot(id: number): Slot {
    const slot = this.slots.find((s) => s.id === id);
    if (slot === undefined) throw new Error(`no ensemble member ${id} (members: ${this.slots.map((s) => s.id).join(', ')})`);
    return slot;
  }

  async launch(slot: Slot): Promise<void> {
    if (this.stopping !== undefined) throw new Error('ensemble is stopped');
    const spec = await this.launcher.spec(slot.configFile, slot.dir);
    slot.tail.push(Buffer.from(`--- ${new Date().toISOString()} starting member ${slot.id}\n`));
    slot.process = new MemberProcess(spec, slot.tail, (line) => {
      const found = parseSyncLine(line);
      if (found !== undefined) this.sync.push({ member: slot.id, atMs: Date.now(), ...found, line });
    });
  }

  connectString(ids?: readonly number[]): string {
    const chosen = ids === undefined ? this.slots : ids.map((id) => this.slot(id));
    return chosen.map((s) => `${LOOPBACK}:${s.clientPort}`).join(',');
  }

  private async srvr(slot: Slot): Promise<string | undefined> {
    if (slot.process?.running !== true) return undefined;
    try {
      return await fourLetterWord(LOOPBACK, slot.clientPort, 'srvr', SRVR_TIMEOUT_MS);
    } catch {
      return undefined;
    }
  }

  private async survey(): Promise<Array<{ id: number; mode: MemberMode; epoch: number }>> {
    return Promise.all(
      this.slots.map(async (slot) => {
        const text = await this.srvr(slot);
        if (text === undefined) return { id: slot.id, mode: 'down' as const, epoch: -1 };
        return { id: slot.id, mode: parseSrvrMode(text) ?? ('not-serving' as const), epoch: parseSrvrEpoch(text) };
      }),
    );
  }

  async modes(): Promise<Map<number, MemberMode>> {
    return new Map((await this.survey()).map((s) => [s.id, s.mode]));
  }

  async leader(exclude: readonly number[] = []): Promise<number | undefined> {
    const leaders = (await this.survey()).filter((s) => s.mode === 'leader' && !exclude.includes(s.id));
    leaders.sort((a, b) => b.epoch - a.epoch);
    return leaders[0]?.id;
  }

  async waitForLeader(options: WaitForLeaderOptions = {}): Promise<number> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const interval = options.intervalMs ?? 20;
    for (;;) {
      const found = await this.leader(options.exclude ?? []);
      if (found !== undefined) return found;
      if (Date.now() >= deadline) {
        const modes = [...(await this.modes())].map(([id, mode]) => `${id}: ${mode}`).join(', ');
        throw new Error(`no leader${options.exclude?.length ? ` outside ${options.exclude.join(',')}` : ''} within ${options.timeoutMs ?? 30_000} ms (${modes})`);
      }
      await delay(interval);
    }
  }

  async waitForServing(id: number, timeoutMs = this.startTimeoutMs): Promise<MemberMode> {
    const slot = this.slot(id);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const proc = slot.process;
      if (proc === undefined) throw new Error(`member ${id} is not running`);
      if (!proc.running) throw new Error(`member ${id} exited (${describeExit(await proc.exited)})`);
      const text = await this.srvr(slot);
      const mode = text === undefined ? undefined : parseSrvrMode(text);
      if (mode !== undefined) return mode;
      if (Date.now() >= deadline) throw new Error(`member ${id} did not serve within ${timeoutMs} ms (srvr: ${text === undefined ? 'no answer' : JSON.stringify(text.split('\n')[0])})`);
      await Promise.race([delay(SERVING_POLL_MS), proc.exited]);
    }
  }

  async kill(id: number): Promise<void> {
    const slot = this.slot(id);
    if (slot.process === undefined) return;
    const status = await slot.process.kill();
    slot.tail.push(Buffer.from(`--- ${new Date().toISOString()} member ${id} ${describeExit(status)}\n`));
  }

  async restart(id: number, options: { readonly waitForServing?: boolean } = {}): Promise<void> {
    const slot = this.slot(id);
    if (slot.process?.running === true) throw new Error(`member ${id} is running; kill it first`);
    await this.launch(slot);
    if (options.waitForServing !== false) await this.waitForServing(id);
  }

  private requireMesh(what: string): ProxyMesh {
    if (this.mesh === undefined) throw new Error(`${what} needs an ensemble started with proxied: true`);
    return this.mesh;
  }

  partition(groups: readonly (readonly number[])[]): void {
    this.requireMesh('partition()').partition(groups);
  }

  isolate(id: number): void {
    this.slot(id);
    this.partition([[id], this.slots.filter((s) => s.id !== id).map((s) => s.id)]);
  }

  heal(): void {
    this.requireMesh('heal()').heal();
  }

  recordings() {
    return this.mesh?.recordings() ?? [];
  }

  syncEvents(): SyncEvent[] {
    return [...this.sync];
  }

  recentOutput(id: number): string {
    return this.slot(id).tail.text();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(this.slots.map((s) => s.process?.kill()));
      await this.mesh?.close();
      if (this.ownDir) {
        await rm(this.baseDir, { recursive: true, force: true, maxRetries: 3 });
        untrackDir(this.baseDir);
      }
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
