import type { CreateModeName } from '../../client/types.js';
import { UsageError } from './usage-error.js';

export interface CreateFlags {
  readonly ephemeral: boolean;
  readonly sequential: boolean;
  readonly container: boolean;
  /** `-t ttl`, already parsed. */
  readonly ttlMs: number | undefined;
}

/** zkCli's `create` flags to a CreateMode, with its rules (and messages) for combinations that make no sense. */
export function resolveCreateMode(flags: CreateFlags): { mode: CreateModeName; ttlMs?: number } {
  const { ephemeral, sequential, container, ttlMs } = flags;
  if (container && (ephemeral || sequential)) throw new UsageError('-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.');
  if (ttlMs !== undefined) {
    if (ephemeral) throw new UsageError('TTLs cannot be used with Ephemeral znodes');
    if (container) throw new UsageError('TTLs cannot be used with Container znodes');
    return { mode: sequential ? 'PERSISTENT_SEQUENTIAL_WITH_TTL' : 'PERSISTENT_WITH_TTL', ttlMs };
  }
  if (container) return { mode: 'CONTAINER' };
  if (ephemeral) return { mode: sequential ? 'EPHEMERAL_SEQUENTIAL' : 'EPHEMERAL' };
  return { mode: sequential ? 'PERSISTENT_SEQUENTIAL' : 'PERSISTENT' };
}
