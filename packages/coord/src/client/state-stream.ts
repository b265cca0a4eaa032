import type { Session } from './session.js';
import type { ConnectionState } from './types.js';

/**
 * An async iterator over state changes, buffering those that arrive between reads so none is
 * missed; it ends after `closed`.
 */
export class StateStream implements AsyncIterableIterator<ConnectionState, undefined, undefined> {
  private readonly buffered: ConnectionState[] = [];
  private readonly readers: ((result: IteratorResult<ConnectionState, undefined>) => void)[] = [];
  private done = false;
  private readonly listener = (state: ConnectionState) => this.push(state);

  constructor(private readonly session: Session) {
    if (session.state === 'closed') this.done = true;
    else session.on('state', this.listener);
  }

  private push(state: ConnectionState): void {
    const reader = this.readers.shift();
    if (reader !== undefined) reader({ value: state, done: false });
    else this.buffered.push(state);
    if (state === 'closed') this.finish();
  }

  private finish(): void {
    this.done = true;
    this.session.off('state', this.listener);
    for (const reader of this.readers.splice(0)) reader({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<ConnectionState, undefined>> {
    const value = this.buffered.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.readers.push(resolve));
  }

  return(): Promise<IteratorResult<ConnectionState, undefined>> {
    this.buffered.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ConnectionState, undefined, undefined> {
    return this;
  }
}
