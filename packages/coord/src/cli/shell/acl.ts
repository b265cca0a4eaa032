import type { ACL } from '../../client/types.js';
import { Perms } from '../../jute/opcodes.js';
import { UsageError } from './usage-error.js';

const PERM_LETTERS: ReadonlyArray<readonly [string, number]> = [
  ['c', Perms.CREATE],
  ['d', Perms.DELETE],
  ['r', Perms.READ],
  ['w', Perms.WRITE],
  ['a', Perms.ADMIN],
];

/** Permission letters to bits: any order, any subset of `crwda`. */
export function parsePerms(letters: string, entry: string): number {
  if (letters === '') throw new UsageError(`ACL entry ${JSON.stringify(entry)} grants no permissions (use letters from crwda)`);
  let perms = 0;
  for (const letter of letters) {
    const bit = PERM_LETTERS.find(([l]) => l === letter)?.[1];
    if (bit === undefined) throw new UsageError(`unknown permission ${JSON.stringify(letter)} in ACL entry ${JSON.stringify(entry)} (use letters from crwda)`);
    perms |= bit;
  }
  return perms;
}

/** Bits to letters in zkCli's order: `cdrwa`. */
export function formatPerms(perms: number): string {
  return PERM_LETTERS.filter(([, bit]) => (perms & bit) !== 0)
    .map(([letter]) => letter)
    .join('');
}

/**
 * zkCli's ACL syntax (AclParser): comma-separated `scheme:id:perms`. The id is everything between
 * the first and the last colon, so it may itself hold colons (`digest:user:hash:cdrwa`,
 * `ip:::1:r` for IPv6 loopback); `auth::cdrwa` has an empty id.
 * Unlike zkCli, a malformed entry or an unknown letter is an error rather than skipped.
 */
export function parseAcl(text: string): ACL[] {
  const entries = text.split(',');
  const acl: ACL[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') throw new UsageError(`empty entry in ACL ${JSON.stringify(text)}`);
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first <= 0 || first === last) throw new UsageError(`ACL entry ${JSON.stringify(entry)} does not have the form scheme:id:perms`);
    acl.push({ id: { scheme: entry.slice(0, first), id: entry.slice(first + 1, last) }, perms: parsePerms(entry.slice(last + 1), entry) });
  }
  return acl;
}

/**
 * getAcl's output, line for line as zkCli prints it: the Id record in jute's CSV form, then the
 * permissions (`'world,'anyone` / `: cdrwa`).
 */
export function formatAcl(acl: readonly ACL[]): string[] {
  return acl.flatMap((a) => [`'${a.id.scheme},'${a.id.id}`, `: ${formatPerms(a.perms)}`]);
}
