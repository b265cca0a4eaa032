import { createHash } from 'node:crypto';
import { Perms } from '../jute/opcodes.js';
import type { ACL, Id } from '../jute/records/data.js';

export const ANYONE_ID_UNSAFE: Id = Object.freeze({ scheme: 'world', id: 'anyone' });
/** Stands for "every id the caller has authenticated as"; the server substitutes them. */
export const AUTH_IDS: Id = Object.freeze({ scheme: 'auth', id: '' });
export const OPEN_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: Perms.ALL, id: ANYONE_ID_UNSAFE }]);
export const CREATOR_ALL_ACL: readonly ACL[] = Object.freeze([{ perms: Perms.ALL, id: AUTH_IDS }]);
export const READ_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: Perms.READ, id: ANYONE_ID_UNSAFE }]);

/**
 * The id the digest scheme derives from `user:password`: `user:base64(sha1("user:password"))`
 * (DigestAuthenticationProvider.generateDigest). Use it in ACLs; authenticate with addAuth('digest', 'user:password').
 */
export function digestId(user: string, password: string): string {
  const hash = createHash('sha1').update(`${user}:${password}`, 'utf8').digest('base64');
  return `${user}:${hash}`;
}

export function digestAcl(perms: number, user: string, password: string): ACL {
  return { perms, id: { scheme: 'digest', id: digestId(user, password) } };
}

export function ipAcl(perms: number, addressOrCidr: string): ACL {
  return { perms, id: { scheme: 'ip', id: addressOrCidr } };
}
