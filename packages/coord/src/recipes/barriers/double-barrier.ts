import { randomUUID } from 'node:crypto';
import type { CoordClient } from '../../client/client.js';
import type { ConnectionState, WatchEvent } from '../../client/types.js';
import { NodeExistsError, NoNodeError } from '../../errors/errors.js';
import { RealClock, type Clock } from '../../util/clock.js';
import { ensurePath } from '../internal/ensure-path.js';
import { deleteGuaranteed, isTransient, Pulse, WaitScope, type WaitOptions } from '../internal/wait.js';

/** The persistent node the member that completes the count creates (Curator's READY_NODE). */
export const READY_NODE = 'ready';

/** leave(): this member's node vanished before it left (its session was lost). */
export class BarrierMemberLostError extends Error {
  constructor(readonly memberPath: string) {
    super(`double barrier member ${memberPath} is gone (its session was lost) before leave()`);
    this.name = 'BarrierMemberLostError';
  }
}

/** The member names among a barrier node's children, sorted (the ready node is not a member). */
export function barrierMembers(children: readonly string[]): string[] {
  return children.filter((c) => c !== READY_NODE).sort();
}

/**
 * Curator's DistributedDoubleBarrier: `memberQty` processes meet at `enter()` and again at
 * `leave()`. Each member is an EPHEMERAL `<path>/<uuid>`; the member that sees the count reach
 * `memberQty` creates `<path>/ready`, which every waiting member watches (one notification
 * each). Leaving is herd-free as in Curator: the lowest member waits for the highest, every
 * other member deletes itself and waits for the lowest.
 *
 * Connection states. `suspended`: waits continue; reads failing with a connection loss are
 * retried after the reconnect. `reconnected`: the client re-registers watches; the member looks
 * again. `lost` during enter(): the member node vanished with the session, so it is created
 * again under the new session (same uuid) and counting goes on. `lost` after enter(): the node
 * is gone and the other members no longer wait for this one; leave() rejects with
 * BarrierMemberLostError. `[Symbol.asyncDispose]` withdraws the member node without waiting.
 */
export class DistributedDoubleBarrier {
  readonly memberName = randomUUID();
  private readonly clock: Clock;
  private memberSession: bigint | undefined;

  constructor(
    private readonly client: CoordClient,
    readonly path: string,
    readonly memberQty: number,
    options: { clock?: Clock } = {},
  ) {
    if (!Number.isInteger(memberQty) || memberQty < 1) throw new RangeError(`memberQty must be a positive integer, got ${memberQty}`);
    this.clock = options.clock ?? RealClock;
  }

  get memberPath(): string {
    return `${this.path}/${this.memberName}`;
  }

  private get readyPath(): string {
    return `${this.path}/${READY_NODE}`;
  }

  /** Joins and waits until `memberQty` members have joined. On timeout or abort the member withdraws. */
  async enter(options: WaitOptions = {}): Promise<void> {
    let readySeen = false;
    try {
      await this.waiting(options, 'enter', (event) => {
        if (event.type === 'NodeCreated' && event.path === this.readyPath) readySeen = true;
      }, async (signal, watch) => {
        const ready = await this.client.exists(this.readyPath, { watch, signal });
        await this.ensureMember(signal);
        if (ready !== null || readySeen) return true;
        const members = barrierMembers(await this.client.getChildren(this.path, { signal }));
        if (members.length < this.memberQty) return false;
        try {
          await this.client.create(this.readyPath, null, { mode: 'PERSISTENT', signal });
        } catch (err) {
          if (!(err instanceof NodeExistsError)) throw err;
        }
        return true;
      });
    } catch (err) {
      await this.withdraw();
      throw err;
    }
  }

  /** Leaves and waits until every member has left; the last one removes the ready node. */
  async leave(options: WaitOptions = {}): Promise<void> {
    let ourNodeShouldExist = true;
    await this.waiting(options, 'leave', () => undefined, async (signal, watch) => {
      const members = barrierMembers(await this.client.getChildren(this.path, { signal }));
      const ourIndex = members.indexOf(this.memberName);
      if (ourIndex < 0 && ourNodeShouldExist) throw new BarrierMemberLostError(this.memberPath);
      if (members.length === 0) return true;
      if (members.length === 1) {
        if (ourNodeShouldExist) await this.deleteOurs(signal);
        return true;
      }
      let stat;
      if (ourIndex === 0) {
        stat = await this.client.exists(`${this.path}/${members[members.length - 1] as string}`, { watch, signal });
      } else {
        stat = await this.client.exists(`${this.path}/${members[0] as string}`, { watch, signal });
        if (ourNodeShouldExist) await this.deleteOurs(signal);
        ourNodeShouldExist = false;
      }
      return stat === null ? 'again' : false;
    });
    try {
      await this.client.delete(this.readyPath, -1);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  }

  /** Withdraws this member (deletes its node) without waiting for anyone. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.withdraw();
  }

  /** Deletes our node whether or not a create of it was seen to finish (an aborted create may still have run). */
  private async withdraw(): Promise<void> {
    this.memberSession = undefined;
    await deleteGuaranteed(this.client, this.memberPath);
  }

  private async deleteOurs(signal: AbortSignal): Promise<void> {
    try {
      await this.client.delete(this.memberPath, -1, { signal });
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
    this.memberSession = undefined;
  }

  /** Our EPHEMERAL member node, created again when the session that made it is gone. */
  private async ensureMember(signal: AbortSignal): Promise<void> {
    if (this.memberSession !== undefined && this.memberSession === this.client.sessionId) return;
    const sessionId = this.client.sessionId;
    try {
      await this.client.create(this.memberPath, null, { mode: 'EPHEMERAL', signal });
    } catch (err) {
      if (err instanceof NoNodeError) {
        await ensurePath(this.client, this.path, { includeSelf: true, containers: false, signal });
        await this.client.create(this.memberPath, null, { mode: 'EPHEMERAL', signal });
      } else if (!(err instanceof NodeExistsError)) {
        throw err;
      }
    }
    this.memberSession = sessionId;
  }

  /**
   * Runs `step` until it says done (true), waiting for a watch event or a state change whenever
   * it says false ('again' looks at once). Watches fire `pulse`; the pulse is taken before the
   * step so that an event during the step is not missed.
   */
  private async waiting(
    options: WaitOptions,
    what: string,
    onEvent: (event: WatchEvent) => void,
    step: (signal: AbortSignal, watch: (event: WatchEvent) => void) => Promise<boolean | 'again'>,
  ): Promise<void> {
    const scope = new WaitScope(this.clock, options, `${what}(${this.path})`);
    const pulse = new Pulse();
    const watch = (event: WatchEvent) => {
      onEvent(event);
      pulse.fire();
    };
    const onState = (state: ConnectionState) => {
      if (state === 'reconnected' || state === 'lost') pulse.fire();
    };
    this.client.on('state', onState);
    try {
      for (;;) {
        scope.throwIfDone();
        const woken = pulse.next();
        try {
          const done = await step(scope.signal, watch);
          if (done === true) return;
          if (done === false) await scope.race(woken);
        } catch (err) {
          if (!isTransient(err)) throw err;
          await scope.race(this.client.waitForConnected({ signal: scope.signal }));
        }
      }
    } finally {
      this.client.off('state', onState);
      scope.dispose();
    }
  }
}
