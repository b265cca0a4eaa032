import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../../src/client/emitter.js';
import type { Session } from '../../../src/client/session.js';
import { StateStream } from '../../../src/client/state-stream.js';
import type { ClientEvents, ConnectionState } from '../../../src/client/types.js';

/** Just what StateStream uses of a Session: the current state and 'state' events. */
class FakeSession extends TypedEmitter<ClientEvents> {
  state: ConnectionState = 'connecting';

  change(state: ConnectionState): void {
    this.state = state;
    this.emit('state', state);
  }

  asSession(): Session {
    return this as unknown as Session;
  }
}

describe('StateStream (client.states())', () => {
  it('yields changes in order, buffering those that arrive between reads', async () => {
    const session = new FakeSession();
    const stream = new StateStream(session.asSession());
    session.change('connected');
    session.change('suspended');
    session.change('reconnected');
    expect(await stream.next()).toEqual({ value: 'connected', done: false });
    expect(await stream.next()).toEqual({ value: 'suspended', done: false });
    expect(await stream.next()).toEqual({ value: 'reconnected', done: false });
  });

  it('resolves a waiting read when the next change comes', async () => {
    const session = new FakeSession();
    const stream = new StateStream(session.asSession());
    const pending = stream.next();
    const second = stream.next();
    session.change('connected');
    session.change('lost');
    expect(await pending).toEqual({ value: 'connected', done: false });
    expect(await second).toEqual({ value: 'lost', done: false });
  });

  it('ends after closed, whether closed was read already or not, and stops listening', async () => {
    const session = new FakeSession();
    const stream = new StateStream(session.asSession());
    const waiting = [stream.next(), stream.next(), stream.next()];
    session.change('connected');
    session.change('closed');
    expect(await Promise.all(waiting)).toEqual([
      { value: 'connected', done: false },
      { value: 'closed', done: false },
      { value: undefined, done: true },
    ]);
    expect(session.listenerCount('state')).toBe(0);

    const late = new FakeSession();
    const buffered = new StateStream(late.asSession());
    late.change('connected');
    late.change('closed');
    expect(late.listenerCount('state')).toBe(0);
    expect(await buffered.next()).toEqual({ value: 'connected', done: false });
    expect(await buffered.next()).toEqual({ value: 'closed', done: false });
    expect(await buffered.next()).toEqual({ value: undefined, done: true });
  });

  it('is done at once for a session already closed', async () => {
    const session = new FakeSession();
    session.change('closed');
    const stream = new StateStream(session.asSession());
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(session.listenerCount('state')).toBe(0);
  });

  it('ends a for-await loop after closed', async () => {
    const session = new FakeSession();
    const stream = new StateStream(session.asSession());
    const collected = (async () => {
      const out: ConnectionState[] = [];
      for await (const state of stream) out.push(state);
      return out;
    })();
    for (const s of ['connected', 'suspended', 'reconnected', 'closed'] as const) session.change(s);
    expect(await collected).toEqual(['connected', 'suspended', 'reconnected', 'closed']);
  });

  it('breaking out of a loop (return()) stops listening and ends pending reads', async () => {
    const session = new FakeSession();
    const stream = new StateStream(session.asSession());
    const loop = (async () => {
      for await (const state of stream) if (state === 'connected') break;
    })();
    session.change('connected');
    await loop;
    expect(session.listenerCount('state')).toBe(0);
    session.change('suspended');
    expect(await stream.next()).toEqual({ value: undefined, done: true });

    const other = new StateStream(session.asSession());
    const pending = other.next();
    expect(await other.return()).toEqual({ value: undefined, done: true });
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it('two streams each see every change', async () => {
    const session = new FakeSession();
    const a = new StateStream(session.asSession());
    const b = new StateStream(session.asSession());
    session.change('connected');
    expect(await a.next()).toEqual({ value: 'connected', done: false });
    expect(await b.next()).toEqual({ value: 'connected', done: false });
  });
});
