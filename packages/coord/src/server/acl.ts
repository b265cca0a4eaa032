import type { ACL, Id } from '../jute/records/data.js';

/**
 * ACL evaluation as ZooKeeperServer.checkACL and PrepRequestProcessor.fixupACL do it, for the
 * built-in schemes: world, auth, digest, ip, and the super identity. Pure: the caller passes the
 * connection's authenticated ids (always including `ip:<address>`).
 */

export function isSuper(authIds: readonly Id[]): boolean {
  return authIds.some((id) => id.scheme === 'super');
}

/** True when one of `authIds` is granted any bit of `perm` by `acl` (an empty ACL allows all). */
export function aclAllows(acl: readonly ACL[], perm: number, authIds: readonly Id[]): boolean {
  if (acl.length === 0 || isSuper(authIds)) return true;
  for (const entry of acl) {
    if ((entry.perms & perm) === 0) continue;
    const { scheme, id } = entry.id;
    if (scheme === 'world' && id === 'anyone') return true;
    for (const auth of authIds) {
      if (auth.scheme !== scheme) continue;
      if (scheme === 'digest' && auth.id === id) return true;
      if (scheme === 'ip' && ipMatches(auth.id, id)) return true;
    }
  }
  return false;
}

/** Is `id` valid for its scheme (ProviderRegistry + AuthenticationProvider.isValid)? */
function validId(scheme: string, id: string): boolean {
  switch (scheme) {
    case 'digest': {
      // Java's String.split drops trailing empty parts: "user:" is one part, so invalid.
      const parts = id.split(':');
      while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
      return parts.length === 2;
    }
    case 'ip':
      return parseCidr(id) !== undefined;
    default:
      return false;
  }
}

/**
 * Replaces `auth` entries with the caller's authenticated ids and checks the rest; returns
 * undefined when the list is invalid (INVALIDACL): empty, an unknown scheme, a bad id, or `auth`
 * with no authenticated identity to stand for.
 */
export function fixupAcl(acl: readonly ACL[], authIds: readonly Id[]): ACL[] | undefined {
  // removeDuplicates runs on the request only; expanded auth entries are appended as they come.
  const unique: ACL[] = [];
  for (const a of acl) if (!unique.some((o) => o.perms === a.perms && o.id.scheme === a.id.scheme && o.id.id === a.id.id)) unique.push(a);
  if (unique.length === 0) return undefined;
  const out: ACL[] = [];
  const push = (a: ACL) => void out.push(a);
  for (const entry of unique) {
    const { scheme, id } = entry.id;
    if (scheme === 'world' && id === 'anyone') {
      push(entry);
    } else if (scheme === 'auth') {
      let added = false;
      for (const auth of authIds) {
        // Only ids from providers that count as authenticated stand in for `auth`: digest does,
        // ip does not (IPAuthenticationProvider.isAuthenticated is false).
        if (auth.scheme === 'digest') {
          push({ perms: entry.perms, id: { scheme: auth.scheme, id: auth.id } });
          added = true;
        }
      }
      if (!added) return undefined;
    } else if (validId(scheme, id)) {
      push(entry);
    } else {
      return undefined;
    }
  }
  return out;
}

/** getACL for a caller without ADMIN: digest hashes are hidden as `user:x`. */
export function redactAcl(acl: readonly ACL[]): ACL[] {
  return acl.map((a) => (a.id.scheme === 'digest' ? { perms: a.perms, id: { scheme: 'digest', id: a.id.id.replace(/:[^\n\r\u0085\u2028\u2029]*/g, ':x') } } : a));
}


// --- ip scheme ---------------------------------------------------------------------------

interface Cidr {
  readonly bytes: number[];
  readonly bits: number;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const bytes: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const v = parseInt(g, 16);
    bytes.push(v >> 8, v & 0xff);
  }
  return bytes.length === 16 ? bytes : undefined;
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr, bitsText, extra] = text.split('/');
  if (addr === undefined || extra !== undefined) return undefined;
  const bytes = parseIpv4(addr) ?? parseIpv6(addr);
  if (bytes === undefined) return undefined;
  const max = bytes.length * 8;
  const bits = bitsText === undefined ? max : /^\d+$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= max)) return undefined;
  return { bytes, bits };
}

/** Does the client address fall inside the ACL's address or CIDR block? */
export function ipMatches(clientAddress: string, aclId: string): boolean {
  const client = parseCidr(clientAddress.replace(/^::ffff:(?=\d+\.)/, ''));
  const block = parseCidr(aclId);
  if (client === undefined || block === undefined || client.bytes.length !== block.bytes.length) return false;
  for (let bit = 0; bit < block.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((client.bytes[byte] as number) & mask) !== ((block.bytes[byte] as number) & mask)) return false;
  }
  return true;
}
