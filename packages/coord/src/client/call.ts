import { ErrorCode } from '../errors/codes.js';
import { ConnectionLossError, CoordError, errorFromCode, MarshallingError } from '../errors/errors.js';
import type { JuteReader } from '../jute/reader.js';
import { JuteWriter } from '../jute/writer.js';
import type { InFlight, RequestBody } from './connection.js';

/** What the session needs to know to send one request and read its reply. */
export interface RequestSpec<T> {
  readonly opcode: number;
  /** The body, encoded up front: requests whose arguments may fail to encode, so they reject before being queued. */
  readonly body?: Uint8Array | undefined;
  /**
   * Or: encodes the body straight into the connection's outgoing batch when the request is
   * written (one encode, no intermediate buffers). Only for bodies that cannot fail to encode.
   */
  readonly writeBody?: ((w: JuteWriter) => void) | undefined;
  /** Client-visible path, for error messages. */
  readonly path?: string;
  /** Reads the reply body of a successful request. */
  decode(reader: JuteReader): T;
  /** Turns some error codes into values (exists → null on NONODE). */
  onError?(err: number): { value: T } | undefined;
  /** Runs on every reply, before the caller resumes: watch registration lives here. */
  afterReply?(err: number): void;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * One call, from submit() until it settles. It is its own in-flight entry, so a request costs
 * one object here rather than an entry plus a closure per callback.
 */
export class PendingCall implements InFlight {
  xid = 0;
  readonly opcode: number;
  settled = false;
  /** What the connection writes: the spec's body, or its body function until the call has to wait. */
  body: RequestBody;
  /** Cancels the whenDisconnected bound; called when the call is written (the bound is on waiting only). */
  stopWaiting: (() => void) | undefined = undefined;
  /** Undone when the call settles (timers, abort listeners); allocated only for calls that have some. */
  private cleanup: (() => void)[] | undefined = undefined;

  constructor(
    readonly spec: RequestSpec<unknown>,
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (error: unknown) => void,
    /** The session's queue of calls waiting for a connection; a settled call leaves it. */
    private readonly waiting: PendingCall[],
  ) {
    this.opcode = spec.opcode;
    this.body = spec.writeBody ?? spec.body;
  }

  onSettle(undo: () => void): void {
    (this.cleanup ??= []).push(undo);
  }

  /**
   * Encodes a body function now, for a call that waits for a connection: what is sent is then
   * the caller's arguments as they were at the call, as when every body was encoded up front.
   */
  encodeBodyNow(): void {
    if (typeof this.body !== 'function') return;
    const w = new JuteWriter(64);
    this.body(w);
    this.body = w.toBuffer();
  }

  reply(err: number, _zxid: bigint, reader: JuteReader): void {
    const spec = this.spec;
    spec.afterReply?.(err);
    if (this.settled) return;
    if (err === ErrorCode.OK) {
      let value: unknown;
      try {
        value = spec.decode(reader);
      } catch (e) {
        this.settle(e);
        // A body that does not parse means the stream can no longer be trusted; an error the
        // decoder raises on purpose (a failed multi) is just the call's result.
        if (!(e instanceof CoordError) || e instanceof MarshallingError) throw e;
        return;
      }
      this.settle(undefined, value);
      return;
    }
    const mapped = spec.onError?.(err);
    if (mapped !== undefined) this.settle(undefined, mapped.value);
    else this.settle(errorFromCode(err, { path: spec.path }));
  }

  fail(error: CoordError): void {
    const path = this.spec.path;
    this.settle(new ConnectionLossError({ path, message: `${error.message}${path === undefined ? '' : ` (request for ${path})`}`, cause: error }));
  }

  settle(error: unknown, value?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (this.cleanup !== undefined) for (const c of this.cleanup) c();
    const i = this.waiting.indexOf(this);
    if (i >= 0) this.waiting.splice(i, 1);
    if (error !== undefined) this.reject(error);
    else this.resolve(value);
  }
}
