import type { CoordClient } from './client.js';
import type { Session } from './session.js';

/**
 * Reaches the session behind a client, for the testing kit's fault helpers. Not part of the
 * public API: the field is private to TypeScript users.
 */
export function sessionOf(client: CoordClient): Session {
  return (client as unknown as { session: Session }).session;
}
