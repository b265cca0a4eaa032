import { describe, expect, it } from 'vitest';
import { resolveCreateMode, type CreateFlags } from '../../../src/cli/shell/create-mode.js';
import { UsageError } from '../../../src/cli/shell/usage-error.js';

const flags = (f: Partial<CreateFlags>): CreateFlags => ({ ephemeral: false, sequential: false, container: false, ttlMs: undefined, ...f });

describe('resolveCreateMode', () => {
  it('maps zkCli flags to create modes', () => {
    expect(resolveCreateMode(flags({}))).toEqual({ mode: 'PERSISTENT' });
    expect(resolveCreateMode(flags({ sequential: true }))).toEqual({ mode: 'PERSISTENT_SEQUENTIAL' });
    expect(resolveCreateMode(flags({ ephemeral: true }))).toEqual({ mode: 'EPHEMERAL' });
    expect(resolveCreateMode(flags({ ephemeral: true, sequential: true }))).toEqual({ mode: 'EPHEMERAL_SEQUENTIAL' });
    expect(resolveCreateMode(flags({ container: true }))).toEqual({ mode: 'CONTAINER' });
    expect(resolveCreateMode(flags({ ttlMs: 500 }))).toEqual({ mode: 'PERSISTENT_WITH_TTL', ttlMs: 500 });
    expect(resolveCreateMode(flags({ ttlMs: 500, sequential: true }))).toEqual({ mode: 'PERSISTENT_SEQUENTIAL_WITH_TTL', ttlMs: 500 });
  });

  it('rejects the combinations zkCli rejects, with its messages', () => {
    expect(() => resolveCreateMode(flags({ container: true, ephemeral: true }))).toThrow(
      new UsageError('-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.'),
    );
    expect(() => resolveCreateMode(flags({ container: true, sequential: true }))).toThrow(UsageError);
    expect(() => resolveCreateMode(flags({ ttlMs: 5, ephemeral: true }))).toThrow(new UsageError('TTLs cannot be used with Ephemeral znodes'));
    expect(() => resolveCreateMode(flags({ ttlMs: 5, container: true }))).toThrow(/-c cannot be combined|TTLs cannot be used with Container znodes/);
  });
});
