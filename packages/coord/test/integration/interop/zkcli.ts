/**
 * Apache's Java CLI, zkCli.sh, driven through stdin. Without a terminal it reads one command per
 * line and runs each to completion before reading the next; results go to stdout, errors to
 * stderr, so both are merged into one pipe to keep their order. After every command we send
 * `version`, whose "ZooKeeper CLI version: ..." line marks where that command's output ends.
 * Watch notifications are printed by the client's event thread whenever they arrive
 * ("WATCHER::" and "WatchedEvent state:... type:... path:..."); they are taken out of the
 * command output into a separate event list.
 */
import type { CommandOutput } from './command-output.js';
import { LineProcess } from './line-process.js';
import { ownerLabel, SessionLabels, sortBracketList, ZxidLabels } from './normalise.js';

const BARRIER = 'version';
const BARRIER_LINE = /^ZooKeeper CLI version: /;
const EVENT_LINE = /^WatchedEvent state:(\S+) type:(\S+) path:(.*)$/;
const NOISE = [/^SLF4J: /, /^Connecting to /, /^Welcome to ZooKeeper!$/, /^JLine support is disabled$/, /^WATCHER::$/, /^$/];
const DEFAULT_TIMEOUT_MS = 30_000;

/** Flags for a client JVM that starts fast and small (the script passes CLIENT_JVMFLAGS through). */
const CLIENT_JVMFLAGS = '-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData';

export class ZkCli {
  private readonly process: LineProcess;
  private absorbed = 0;
  private pending: string[] = [];
  private readonly chunks: string[][] = [];
  private readonly nodeEvents: string[] = [];

  constructor(zkCliPath: string, connectString: string, name: string) {
    this.process = new LineProcess(name, zkCliPath, ['-server', connectString], {
      mergeStderr: true,
      env: { ...process.env, CLIENT_JVMFLAGS },
    });
  }

  /** Runs the commands in order; resolves with each command's output lines (events removed). */
  async run(commands: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CommandOutput[]> {
    for (const c of commands) if (c.includes('\n')) throw new Error(`a command is one line: ${JSON.stringify(c)}`);
    const first = this.chunks.length;
    this.process.write(commands.map((c) => `${c}\n${BARRIER}\n`).join(''));
    await this.process.waitFor(
      () => {
        this.absorb();
        return this.chunks.length >= first + commands.length ? true : undefined;
      },
      `the output of ${commands.length} command(s) ending with ${JSON.stringify(commands.at(-1))}`,
      timeoutMs,
    );
    return commands.map((command, i) => ({ command, output: this.chunks[first + i] ?? [] }));
  }

  /** Resolves with the node events ("Type path"; session state events left out) once there are `count`. */
  waitForEvents(count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string[]> {
    return this.process.waitFor(
      () => {
        this.absorb();
        return this.nodeEvents.length >= count ? [...this.nodeEvents] : undefined;
      },
      `${count} watch event(s)`,
      timeoutMs,
    );
  }

  /** `quit` closes the session (its ephemerals go) and exits; resolves when the JVM has ended. */
  async quit(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    this.process.write('quit\n');
    this.process.end();
    const exit = await this.process.waitForExit(timeoutMs);
    if (exit.code !== 0) throw new Error(`zkCli exited with ${String(exit.code)}\n${this.process.text()}`);
  }

  kill(): void {
    this.process.kill();
  }

  private absorb(): void {
    const lines = this.process.lines;
    for (; this.absorbed < lines.length; this.absorbed++) {
      const line = lines[this.absorbed] ?? '';
      const event = EVENT_LINE.exec(line);
      if (event !== null) {
        if (event[2] !== 'None') this.nodeEvents.push(`${event[2] ?? ''} ${event[3] ?? ''}`);
      } else if (BARRIER_LINE.test(line)) {
        this.chunks.push(this.pending);
        this.pending = [];
      } else if (!NOISE.some((n) => n.test(line))) {
        this.pending.push(line);
      }
    }
  }
}

/**
 * One transcript per zkCli session, normalised: `> command` followed by its output, with zxids
 * labelled, times blanked (except the epoch, which /zookeeper/config really has), session ids
 * labelled, and the two lists Apache ZooKeeper returns in hash order (getEphemerals, whoami)
 * sorted.
 */
export function renderZkCli(outputs: readonly CommandOutput[], zxids = new ZxidLabels(), sessions = new SessionLabels()): string[] {
  const rendered: string[] = [];
  for (const { command, output } of outputs) {
    rendered.push(`> ${command}`);
    const lines = output.map((line) => normaliseLine(line, zxids, sessions));
    if (command.startsWith('getEphemerals')) rendered.push(...lines.map(sortBracketList));
    else if (command === 'whoami') rendered.push(...lines.slice(0, 1), ...lines.slice(1).sort());
    else rendered.push(...lines);
  }
  return rendered;
}

function normaliseLine(line: string, zxids: ZxidLabels, sessions: SessionLabels): string {
  const zxid = /^(cZxid|mZxid|pZxid) = (0x[0-9a-f]+)$/.exec(line);
  if (zxid !== null) return `${zxid[1] ?? ''} = ${zxids.labelHex(zxid[2] ?? '0x0')}`;
  const time = /^(ctime|mtime) = (.*)$/.exec(line);
  if (time !== null) return /\b1970$/.test(time[2] ?? '') ? line : `${time[1] ?? ''} = <time>`;
  const owner = /^ephemeralOwner = (0x[0-9a-f]+)$/.exec(line);
  if (owner !== null) return `ephemeralOwner = ${ownerLabel(BigInt(owner[1] ?? '0x0'), sessions)}`;
  return line;
}
