/**
 * Plays fuzz scenarios against a running server over real sockets and checks each connection:
 * the server closes it when the oracle says it must (without more input), keeps it when every
 * frame was acceptable (an exists("/") probe after it is answered), closes it after the poison in
 * every case, and sends only well-formed frames meanwhile. Connections run in a pool; scenarios
 * are sampled block by block from the seed, so any failing one can be replayed alone.
 */
import net from 'node:net';
import { decode, encode } from '../../src/jute/codec.js';
import { FrameReader, frame } from '../../src/jute/frame-reader.js';
import { OpCode } from '../../src/jute/opcodes.js';
import { JuteReader } from '../../src/jute/reader.js';
import { ConnectResponse } from '../../src/jute/records/connect.js';
import { ReplyHeader, RequestHeader, WatcherEvent } from '../../src/jute/records/headers.js';
import { ExistsRequest } from '../../src/jute/records/requests.js';
import { FUZZ_KINDS, sampleBlock, type FuzzKind, type FuzzScenario } from './generators.js';
import { closingSuffix, expectationFor, scanStream, type Expectation } from './oracle.js';

/** The server under test, as the driver needs to see it. */
export interface FuzzTarget {
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  lastZxid(): bigint;
  hasSession(sessionId: bigint): boolean;
}

/**
 * xid of the probe that proves a connection is still served after its scenario ("FUZZ"). The
 * probe is exists("/"), not a ping: Apache ZooKeeper answers pings with xid -2 whatever was sent.
 */
const PROBE_XID = 0x46555a5a;
const PROBE_FRAME = frame(Buffer.concat([encode(RequestHeader, { xid: PROBE_XID, type: OpCode.exists }), encode(ExistsRequest, { path: '/', watch: false })]));
const NOTIFICATION_XID = -1;

export class ScenarioFailure extends Error {}

/** Reads what the server sends and checks that it is a well-formed reply stream. */
class ReplyStream {
  private readonly reader = new FrameReader(256 * 1024 * 1024);
  frames = 0;
  bytes = 0;
  sessionId: bigint | undefined;
  problem: string | undefined;
  private xidListener: ((xid: number) => void) | undefined;

  /**
   * @param text four-letter-word answers are plain text, not frames
   * @param checkEvents false when the client itself used xid -1, which the server echoes in replies
   */
  constructor(
    private readonly text: boolean,
    private readonly checkEvents: boolean,
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.text || this.problem !== undefined) return;
    try {
      for (const body of this.reader.push(chunk)) this.onFrame(body);
    } catch (err) {
      this.problem = `server sent a malformed frame: ${(err as Error).message}`;
    }
  }

  private onFrame(body: Buffer): void {
    if (this.frames++ === 0) {
      this.sessionId = decode(ConnectResponse, body).sessionId;
      return;
    }
    const r = new JuteReader(body);
    const header = ReplyHeader.read(r);
    if (header.xid === NOTIFICATION_XID && this.checkEvents) WatcherEvent.read(r);
    this.xidListener?.(header.xid);
  }

  onXid(listener: (xid: number) => void): void {
    this.xidListener = listener;
  }
}

export interface ScenarioResult {
  readonly expectation: Expectation['kind'];
  /** The connection answered the exists("/") probe sent after its scenario. */
  readonly probed: boolean;
  /** Closed before the poison although 'open', because its session had expired meanwhile. */
  readonly expiredEarly: boolean;
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

export interface ScenarioOptions {
  /** How long the server may take to close a connection it must close. */
  readonly closeDeadlineMs: number;
}

/** Runs one scenario on a fresh connection; throws ScenarioFailure when the server misbehaves. */
export async function runScenario(target: FuzzTarget, scenario: FuzzScenario, options: ScenarioOptions): Promise<ScenarioResult> {
  const model = scanStream(Buffer.concat(scenario.chunks), target.maxFrameBytes);
  const expectation = expectationFor(model, target.lastZxid());
  const usesNotificationXid = model.frames.slice(1).some((body) => body.length >= 4 && body.readInt32BE(0) === NOTIFICATION_XID);
  const replies = new ReplyStream(model.state.kind === 'fourLetterWord', !usesNotificationXid);
  const socket = net.connect({ host: target.host, port: target.port });
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => replies.push(chunk));
  let closed = false;
  const closedPromise = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closedPromise.then(() => (closed = true));
  let bytesSent = 0;

  const withDeadline = async <T>(promise: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ScenarioFailure(`${what} within ${options.closeDeadlineMs} ms`)), options.closeDeadlineMs);
    });
    try {
      return await Promise.race([promise, deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
  const write = (bytes: Uint8Array): Promise<void> => {
    bytesSent += bytes.length;
    return Promise.race([new Promise<void>((resolve) => socket.write(bytes, () => resolve())), closedPromise]);
  };

  try {
    await withDeadline(Promise.race([new Promise<void>((resolve) => socket.once('connect', () => resolve())), closedPromise]), 'no TCP connect');
    for (const chunk of scenario.chunks) {
      if (closed) break;
      await write(chunk);
    }
    let probed = false;
    if (expectation.kind === 'closes') {
      await withDeadline(closedPromise, `server kept the connection open after ${expectation.reason}`);
    } else {
      if (expectation.kind === 'open' && expectation.handshake && model.state.kind === 'boundary' && !closed) {
        const answered = new Promise<void>((resolve) => replies.onXid((xid) => xid === PROBE_XID && resolve()));
        await write(PROBE_FRAME);
        await withDeadline(Promise.race([answered, closedPromise]), 'no reply to exists("/") after well-formed frames');
        probed = !closed;
      }
      let expiredEarly = false;
      if (closed && expectation.kind === 'open') {
        const sessionId = replies.sessionId;
        expiredEarly = sessionId !== undefined && !target.hasSession(sessionId);
        if (!expiredEarly) throw new ScenarioFailure(`server closed a connection whose ${model.frames.length} frames were all acceptable (${sessionId === undefined ? 'no ConnectResponse received' : `session 0x${sessionId.toString(16)} still alive`})`);
      }
      if (!closed) await write(closingSuffix(model, target.maxFrameBytes));
      await withDeadline(closedPromise, 'server kept the connection open after a negative length prefix');
      if (replies.problem !== undefined) throw new ScenarioFailure(replies.problem);
      return { expectation: expectation.kind, probed, expiredEarly, bytesSent, bytesReceived: replies.bytes };
    }
    if (replies.problem !== undefined) throw new ScenarioFailure(replies.problem);
    return { expectation: expectation.kind, probed, expiredEarly: false, bytesSent, bytesReceived: replies.bytes };
  } finally {
    socket.destroy();
  }
}

export interface FailureReport {
  readonly block: number;
  readonly index: number;
  readonly kind: FuzzKind;
  readonly message: string;
  /** The scenario's writes as hex, one string per write (long writes shortened). */
  readonly chunksHex: readonly string[];
}

export interface FuzzSummary {
  frames: number;
  connections: number;
  readonly byKind: Record<FuzzKind, { connections: number; frames: number }>;
  readonly expectations: Record<Expectation['kind'], number>;
  probed: number;
  expiredEarly: number;
  bytesSent: number;
  bytesReceived: number;
  /** The first block not used, where a follow-up run continues. */
  nextBlock: number;
  readonly failures: FailureReport[];
  failureCount: number;
}

export interface FuzzRunOptions {
  readonly seed: number;
  /** Stop starting new connections once this many frames were sent. */
  readonly frames: number;
  readonly firstBlock?: number;
  readonly blockSize?: number;
  /** Connections in flight at once. */
  readonly concurrency: number;
  readonly closeDeadlineMs: number;
  /** Keep at most this many failure reports (all are counted). */
  readonly keepFailures?: number;
  /** Called after every finished connection. */
  readonly onScenario?: (summary: FuzzSummary) => void;
}

export function hexOf(bytes: Uint8Array, limit = 4096): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return hex.length <= limit * 2 ? hex : `${hex.slice(0, limit * 2)}... (${bytes.length} bytes)`;
}

export function emptySummary(firstBlock = 0): FuzzSummary {
  const byKind = Object.fromEntries(FUZZ_KINDS.map((k) => [k, { connections: 0, frames: 0 }])) as Record<FuzzKind, { connections: number; frames: number }>;
  return { frames: 0, connections: 0, byKind, expectations: { closes: 0, open: 0, either: 0 }, probed: 0, expiredEarly: 0, bytesSent: 0, bytesReceived: 0, nextBlock: firstBlock, failures: [], failureCount: 0 };
}

/** Sends scenarios from the seed until `frames` frames went out, `concurrency` connections at a time. */
export async function runFuzz(target: FuzzTarget, options: FuzzRunOptions): Promise<FuzzSummary> {
  const blockSize = options.blockSize ?? 64;
  const summary = emptySummary(options.firstBlock ?? 0);
  let queue: { scenario: FuzzScenario; block: number; index: number }[] = [];
  let planned = 0;
  const next = () => {
    if (planned >= options.frames) return undefined;
    if (queue.length === 0) {
      const block = summary.nextBlock++;
      queue = sampleBlock({ maxFrameBytes: target.maxFrameBytes }, options.seed, block, blockSize).map((scenario, index) => ({ scenario, block, index }));
    }
    const item = queue.shift();
    if (item !== undefined) planned += item.scenario.frames;
    return item;
  };
  const worker = async () => {
    for (let item = next(); item !== undefined; item = next()) {
      const { scenario, block, index } = item;
      try {
        const result = await runScenario(target, scenario, { closeDeadlineMs: options.closeDeadlineMs });
        summary.expectations[result.expectation]++;
        if (result.probed) summary.probed++;
        if (result.expiredEarly) summary.expiredEarly++;
        summary.bytesSent += result.bytesSent;
        summary.bytesReceived += result.bytesReceived;
      } catch (err) {
        summary.failureCount++;
        if (summary.failures.length < (options.keepFailures ?? 20)) {
          summary.failures.push({ block, index, kind: scenario.kind, message: (err as Error).message, chunksHex: scenario.chunks.map((c) => hexOf(c)) });
        }
      }
      summary.frames += scenario.frames;
      summary.connections++;
      summary.byKind[scenario.kind].connections++;
      summary.byKind[scenario.kind].frames += scenario.frames;
      options.onScenario?.(summary);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return summary;
}

/** Adds `part` into `total` (a warm-up run plus the main run). */
export function mergeSummaries(total: FuzzSummary, part: FuzzSummary): FuzzSummary {
  total.frames += part.frames;
  total.connections += part.connections;
  for (const k of FUZZ_KINDS) {
    total.byKind[k].connections += part.byKind[k].connections;
    total.byKind[k].frames += part.byKind[k].frames;
  }
  for (const k of ['closes', 'open', 'either'] as const) total.expectations[k] += part.expectations[k];
  total.probed += part.probed;
  total.expiredEarly += part.expiredEarly;
  total.bytesSent += part.bytesSent;
  total.bytesReceived += part.bytesReceived;
  total.nextBlock = Math.max(total.nextBlock, part.nextBlock);
  total.failures.push(...part.failures);
  total.failureCount += part.failureCount;
  return total;
}

/** One scenario of a run, regenerated from (seed, block, index) for a replay. */
export function replayScenario(maxFrameBytes: number, seed: number, block: number, index: number, blockSize = 64): FuzzScenario {
  const scenario = sampleBlock({ maxFrameBytes }, seed, block, blockSize)[index];
  if (scenario === undefined) throw new RangeError(`block ${block} has no scenario ${index}`);
  return scenario;
}
