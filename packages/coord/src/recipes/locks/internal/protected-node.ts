import type { CoordClient } from '../../../client/client.js';
import { protectedCreate } from '../../internal/protected-create.js';

/**
 * Creates the contender node `<dir>/_c_<uuid>-<name><seq>` (EPHEMERAL_SEQUENTIAL, Curator's
 * protection mode), found again by its uuid when a reply is lost and retried across any number
 * of drops: it ends only with a path, a session loss (SessionExpiredError) or a closed client.
 */
export function createContenderNode(client: CoordClient, dir: string, name: string): Promise<string> {
  return protectedCreate(client, dir, name, { mode: 'EPHEMERAL_SEQUENTIAL', maxAttempts: Infinity });
}
