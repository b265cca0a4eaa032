import { sessionOf } from '../client/internal.js';
import { CoordClient } from '../client/client.js';
import type { ConnectionState } from '../client/types.js';

/**
 * Drops the client's TCP connection as a network failure would. The session survives: the
 * client reconnects (to any host of its connect string) and replays its watches.
 */
export function dropConnection(client: CoordClient): void {
  sessionOf(client).dropConnection();
}

/** Resolves when the client reaches one of the given states (or rejects after timeoutMs). */
export function waitForState(client: CoordClient, states: ConnectionState | readonly ConnectionState[], timeoutMs = 30_000): Promise<ConnectionState> {
  const wanted = typeof states === 'string' ? [states] : states;
  if (wanted.includes(client.state)) return Promise.resolve(client.state);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('state', listener);
      reject(new Error(`client did not reach ${wanted.join('|')} within ${timeoutMs} ms (state: ${client.state})`));
    }, timeoutMs);
    const listener = (state: ConnectionState) => {
      if (!wanted.includes(state)) return;
      clearTimeout(timer);
      client.off('state', listener);
      resolve(state);
    };
    client.on('state', listener);
  });
}

/**
 * Expires a client's session on the server, the way ZooKeeper's own tests do: a second
 * connection attaches to the same session id and password and closes it. Resolves once the
 * client has seen `lost`.
 */
export async function expireSession(client: CoordClient, connectString: string, timeoutMs = 30_000): Promise<void> {
  await client.waitForConnected({ timeoutMs });
  const lost = waitForState(client, 'lost', timeoutMs);
  // Keep the client from reconnecting while its twin holds the session, then let it come
  // back and hear "expired" from the server.
  const release = sessionOf(client).holdReconnects();
  try {
    dropConnection(client);
    const twin = new CoordClient(connectString, {
      sessionId: client.sessionId,
      sessionPassword: client.sessionPassword,
      sessionTimeoutMs: client.negotiatedTimeoutMs,
    });
    try {
      await twin.waitForConnected({ timeoutMs });
    } finally {
      await twin.close();
    }
  } finally {
    release();
  }
  await lost;
}
