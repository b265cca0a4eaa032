/**
 * Apache's C CLI, cli_mt (zookeeper-bin), driven interactively through stdin. It always exits 0,
 * so results are read from what it prints (all on stderr): "[path]: rc = N" for create/sync,
 * "path: rc = N" for get/set/ls/ls2/delete, "Error N for path" when a synchronous exists fails;
 * exists prints nothing when the node is there. Most commands are asynchronous, so after each one
 * we send `sync /<barrier>`: the C client runs completions in request order on one thread, so when
 * the barrier's completion has printed, the command's has finished printing. Watch events
 * ("Watcher CHANGED_EVENT state = CONNECTED_STATE for path /x") are kept apart from command output.
 *
 * What it cannot do: it has no multi, no setAcl/getAcl, no versions on set/delete (always -1),
 * and writes the fixed data "new" on create.
 */
import type { CommandOutput } from './command-output.js';
import { LineProcess } from './line-process.js';
import { ownerLabel, SessionLabels, ZxidLabels } from './normalise.js';

const DEFAULT_TIMEOUT_MS = 20_000;
const EVENT_LINE = /^Watcher (\w+) state = (\w+)(?: for path (.*))?$/;

export class CliMt {
  private readonly process: LineProcess;
  private absorbed = 0;
  private barrierCount = 0;
  private readonly nodeEvents: string[] = [];

  constructor(cliMtPath: string, connectString: string, name: string) {
    this.process = new LineProcess(name, cliMtPath, ['-h', connectString]);
  }

  /** Resolves once the client reports its session ("Got a new session id: 0x..."). */
  connected(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<bigint> {
    return this.process.waitFor(
      () => {
        for (const line of this.process.lines) {
          const m = /^Got a new session id: (0x[0-9a-f]+)$/.exec(line);
          if (m?.[1] !== undefined) return BigInt(m[1]);
        }
        return undefined;
      },
      'the session to be established',
      timeoutMs,
    );
  }

  /** Runs the commands one at a time; resolves with each one's output lines (events removed). */
  async run(commands: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CommandOutput[]> {
    const outputs: CommandOutput[] = [];
    for (const command of commands) outputs.push({ command, output: await this.runOne(command, timeoutMs) });
    return outputs;
  }

  /** Node events seen so far ("TYPE path"), the current ones included. */
  events(): readonly string[] {
    this.absorbEvents();
    return [...this.nodeEvents];
  }

  /** Resolves with the node events once there are `count`. */
  waitForEvents(count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string[]> {
    return this.process.waitFor(
      () => {
        this.absorbEvents();
        return this.nodeEvents.length >= count ? [...this.nodeEvents] : undefined;
      },
      `${count} watch event(s)`,
      timeoutMs,
    );
  }

  /** `quit` ends the loop; the client then closes its session (zookeeper_close) and exits. */
  async quit(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    this.process.write('quit\n');
    this.process.end();
    await this.process.waitForExit(timeoutMs);
  }

  kill(): void {
    this.process.kill();
  }

  private async runOne(command: string, timeoutMs: number): Promise<string[]> {
    if (command.includes('\n')) throw new Error(`a command is one line: ${JSON.stringify(command)}`);
    const start = this.process.lines.length;
    const barrier = `/interop-barrier-${++this.barrierCount}`;
    this.process.write(`${command}\nsync ${barrier}\n`);
    const end = await this.process.waitFor(
      () => {
        const lines = this.process.lines;
        for (let i = start; i < lines.length; i++) if (lines[i] === `\tname = ${barrier}`) return i;
        return undefined;
      },
      `the output of ${JSON.stringify(command)}`,
      timeoutMs,
    );
    this.absorbEvents();
    return this.process.lines.slice(start, end + 1).filter((line) => !EVENT_LINE.test(line) && !line.includes(barrier));
  }

  private absorbEvents(): void {
    const lines = this.process.lines;
    for (; this.absorbed < lines.length; this.absorbed++) {
      const m = EVENT_LINE.exec(lines[this.absorbed] ?? '');
      if (m !== null && m[1] !== 'SESSION_EVENT') this.nodeEvents.push(`${m[1] ?? ''} ${m[3] ?? ''}`);
    }
  }
}

/**
 * Normalises cli_mt output: drops the "time = N msec" lines, labels zxids (printed in hex without
 * 0x) and session ids, blanks dates, and sorts the children an ls/ls2 prints (a server returns
 * them in no particular order; Apache ZooKeeper's is its HashSet's).
 */
export function renderCliMt(outputs: readonly CommandOutput[], zxids = new ZxidLabels(), sessions = new SessionLabels()): string[] {
  const rendered: string[] = [];
  for (const { command, output } of outputs) {
    rendered.push(`> ${command}`);
    let lines = output.filter((line) => !/^time = \d+ msec$/.test(line));
    if (/^a?ls2? /.test(command)) lines = sortChildren(lines);
    rendered.push(...lines.map((line) => normaliseLine(line, zxids, sessions)));
  }
  return rendered;
}

function sortChildren(lines: readonly string[]): string[] {
  const isChild = (line: string): boolean => line.startsWith('\t') && !line.includes('=');
  const children = lines.filter(isChild).sort();
  return lines.map((line) => (isChild(line) ? (children.shift() ?? line) : line));
}

function normaliseLine(line: string, zxids: ZxidLabels, sessions: SessionLabels): string {
  const zxid = /^\t(czxid|mzxid)=([0-9a-f]+)$/.exec(line);
  if (zxid !== null) return `\t${zxid[1] ?? ''}=${zxids.labelHex(zxid[2] ?? '0')}`;
  if (/^\t(ctime = |mtime=)/.test(line)) return line.replace(/(ctime = |mtime=).*/, '$1<time>');
  const owner = /^\tephemeralOwner = ([0-9a-f]+)$/.exec(line);
  if (owner !== null) return `\tephemeralOwner = ${ownerLabel(BigInt(`0x${owner[1] ?? '0'}`), sessions)}`;
  return line;
}
