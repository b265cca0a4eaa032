/**
 * Turns a client's printed transcript into one that does not depend on the server instance, so
 * coord's and Apache ZooKeeper's can be compared with toEqual. What varies between two correct
 * servers: zxid values (each server has its own history), wall-clock times, session ids. What
 * must not vary, and so is kept: versions, lengths, counts, sequence numbers, error texts, the
 * equalities between zxids (cZxid == mZxid after a create, pZxid of a parent = czxid of its newest
 * child), and the TTL/container markers in ephemeralOwner.
 */

/** Maps each distinct zxid to Z1, Z2... in order of first appearance; 0 stays 0. */
export class ZxidLabels {
  private readonly labels = new Map<bigint, string>();

  label(value: bigint): string {
    if (value === 0n) return '0';
    let label = this.labels.get(value);
    if (label === undefined) {
      label = `Z${this.labels.size + 1}`;
      this.labels.set(value, label);
    }
    return label;
  }

  /** For clients that print zxids in hex, with or without 0x. */
  labelHex(hex: string): string {
    return this.label(BigInt(hex.startsWith('0x') ? hex : `0x${hex}`));
  }
}

/** Maps each distinct session id to S1, S2... in order of first appearance. */
export class SessionLabels {
  private readonly labels = new Map<bigint, string>();

  label(value: bigint): string {
    let label = this.labels.get(value);
    if (label === undefined) {
      label = `S${this.labels.size + 1}`;
      this.labels.set(value, label);
    }
    return label;
  }
}

/**
 * ephemeralOwner as clients print it: 0, a session id (top byte = server id 1..254, shown as a
 * label), or a marker the server stores for TTL (0xff...) and container (0x8000...) nodes, kept.
 */
export function ownerLabel(value: bigint, sessions: SessionLabels): string {
  if (value === 0n) return '0';
  const top = (BigInt.asUintN(64, value) >> 56n) & 0xffn;
  if (top >= 0x80n) return `0x${BigInt.asUintN(64, value).toString(16)}`;
  return sessions.label(value);
}

/** A bracketed list as Java prints it ("[b, a]"), with its items sorted. */
export function sortBracketList(line: string): string {
  const match = /^\[(.*)\]$/.exec(line);
  if (match === null || match[1] === undefined || match[1] === '') return line;
  return `[${match[1].split(', ').sort().join(', ')}]`;
}
