import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTAINER_OWNER, MAX_TTL_MS, ephemeralKind, ttlOf, ttlOwner } from '../../../src/server/ephemeral-type.js';

const SEED = 0xe4e_3e7a1;

describe('ephemeral-type (EphemeralType)', () => {
  it('reads 0 as persistent, Long.MIN_VALUE as a container, other session ids as ephemeral', () => {
    expect(CONTAINER_OWNER).toBe(-(2n ** 63n));
    expect(ephemeralKind(0n)).toBe('persistent');
    expect(ephemeralKind(CONTAINER_OWNER)).toBe('container');
    expect(ephemeralKind(0x0100_0000_0000_0001n)).toBe('ephemeral');
    // Server ids 128..254 give negative session ids that are still plain sessions.
    expect(ephemeralKind(BigInt.asIntN(64, 0x8000_0000_0000_0001n))).toBe('ephemeral');
    expect(ephemeralKind(BigInt.asIntN(64, 0xfe00_0000_0000_0001n))).toBe('ephemeral');
  });

  // Ground truth: EphemeralType.TTL.toEphemeralOwner(ttl) in 3.8.0 is
  // `0xFF00000000000000L | ttl` after checking 0 < ttl <= maxValue() = 1099511627775 (2^40 - 1).
  it('encodes a TTL as 0xFF in the top byte and the TTL in the low 40 bits', () => {
    expect(MAX_TTL_MS).toBe(1099511627775n);
    expect(ttlOwner(100n)).toBe(BigInt.asIntN(64, 0xff00_0000_0000_0064n));
    expect(ttlOwner(MAX_TTL_MS)).toBe(BigInt.asIntN(64, 0xff00_00ff_ffff_ffffn));
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_TTL_MS }), (ttl) => {
        const owner = ttlOwner(ttl);
        expect(owner < 0n).toBe(true);
        expect(BigInt.asUintN(64, owner) >> 56n).toBe(0xffn);
        expect(ttlOf(owner)).toBe(ttl);
        expect(owner).not.toBe(CONTAINER_OWNER);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
