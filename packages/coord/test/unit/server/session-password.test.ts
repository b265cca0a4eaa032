import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionPassword } from '../../../src/server/session-password.js';

const SEED = 0x9a55_3d;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('sessionPassword (ZooKeeperServer.generatePasswd)', () => {
  // Ground truth: the Java program ran `Random r = new Random(id ^ 0xB3415C00L); byte[] p = new
  // byte[16]; r.nextBytes(p);` (generatePasswd in the 3.8.0 bytecode does exactly this, with
  // superSecret = 3007405056L = 0xB3415C00) for each id and printed p in hex.
  const vectors: [bigint, string][] = [
    [0n, 'f22acd4a97e69d6d20a49bb638eadb38'],
    [1n, '054cc74a37327db215e702e20c73f005'],
    [-1n, '20f62cb5648dc2d771471c8a2486a9ee'],
    [0xb3415c00n, '60b420bb3851d9d47acb933dbe70399b'],
    [0x0100_0000_0000_0000n, 'f22acd4a97e69d6d20a49bb638eadb38'],
    [0x0100_017d_2a1b_0000n, 'c716e4e648ae9d997db018d5d1bbf198'],
    [0x0100_017d_2a1b_0001n, 'da37dee6e8f97cde72f37f00a5440666'],
    [BigInt.asIntN(64, 0xff00_1234_5678_0001n), '0d03861f9f50824b5d4962dab4fb3983'],
    [-(2n ** 63n), 'f22acd4a97e69d6d20a49bb638eadb38'],
    [2n ** 63n - 1n, '20f62cb5648dc2d771471c8a2486a9ee'],
    [0x72a3_f1c5_e9b0_4d18n, 'f1c22b8302003bb085ba4177b2439d51'],
  ];

  it('derives the same 16 bytes as java.util.Random seeded with id ^ 0xB3415C00', () => {
    for (const [id, expected] of vectors) expect(hex(sessionPassword(id)), `0x${BigInt.asUintN(64, id).toString(16)}`).toBe(expected);
  });

  it('depends only on the low 48 bits of the id (java.util.Random keeps 48 bits of its seed)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: 0, max: 0xffff }), (id, high) => {
        const other = BigInt.asIntN(64, (BigInt(high) << 48n) | (id & 0xffff_ffff_ffffn));
        const p = sessionPassword(id);
        expect(p).toHaveLength(16);
        expect(sessionPassword(other)).toEqual(p);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('returns a fresh array each call', () => {
    const a = sessionPassword(5n);
    a[0] = (a[0]! + 1) & 0xff;
    expect(sessionPassword(5n)).not.toEqual(a);
  });
});
