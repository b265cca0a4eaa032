/**
 * Session passwords as ZooKeeper derives them: 16 bytes from java.util.Random seeded with
 * `sessionId ^ 0xB3415C00`. Being a function of the id, the password survives a restart (the
 * snapshot keeps only ids), and a Java server would accept ours.
 */
const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;
const SUPER_SECRET = 0xb3415c00n;

class JavaRandom {
  private seed: bigint;

  constructor(seed: bigint) {
    this.seed = (BigInt.asIntN(64, seed) ^ MULTIPLIER) & MASK;
  }

  private next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + ADDEND) & MASK;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  nextBytes(out: Uint8Array): void {
    for (let i = 0; i < out.length; ) {
      let rnd = this.next(32);
      for (let n = Math.min(out.length - i, 4); n-- > 0; rnd >>= 8) out[i++] = rnd & 0xff;
    }
  }
}

export function sessionPassword(sessionId: bigint): Uint8Array {
  const out = new Uint8Array(16);
  new JavaRandom(sessionId ^ SUPER_SECRET).nextBytes(out);
  return out;
}
