import { createClient, type CoordClient } from '../../client/client.js';
import { AuthFailedError } from '../../errors/errors.js';
import { stateMessage } from './prompt.js';

export interface ConnectOptions {
  readonly connectString: string;
  /** Session timeout; also how long to wait for the first connection and for a reconnection before a command fails. */
  readonly timeoutMs: number;
  /** Where connection notices go (stderr). */
  readonly notice: (line: string) => void;
  /** Print the first "Connected to" line (interactive) or only later changes (scripts). */
  readonly announceConnect: boolean;
}

/** Connects and waits for the session; rejects (with the client closed) if that takes longer than timeoutMs. */
export async function connect(options: ConnectOptions): Promise<CoordClient> {
  const { connectString, timeoutMs, notice } = options;
  const client = createClient(connectString, { sessionTimeoutMs: timeoutMs, whenDisconnected: { maxWaitMs: timeoutMs } });
  client.on('state', (state) => {
    if (state === 'connected' && !options.announceConnect) return;
    const message = stateMessage(state, { host: client.connectedHost, sessionId: client.sessionId, negotiatedTimeoutMs: client.negotiatedTimeoutMs });
    if (message !== undefined) notice(message);
  });
  // An auth failure also fails the addauth that caused it, which prints it; no second line.
  client.on('error', (error) => {
    if (!(error instanceof AuthFailedError)) notice(`coord: ${error.message}`);
  });
  try {
    await client.waitForConnected({ timeoutMs });
  } catch (err) {
    await client.close();
    throw new Error(`could not connect to ${connectString} within ${timeoutMs} ms (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  return client;
}
