import { describe, expect, it } from 'vitest';
import { formatAcl, formatPerms, parseAcl, parsePerms } from '../../../src/cli/shell/acl.js';
import { UsageError } from '../../../src/cli/shell/usage-error.js';
import { Perms } from '../../../src/jute/opcodes.js';

describe('parseAcl (zkCli syntax)', () => {
  it('parses world, auth, ip and digest entries', () => {
    expect(parseAcl('world:anyone:cdrwa')).toEqual([{ id: { scheme: 'world', id: 'anyone' }, perms: Perms.ALL }]);
    expect(parseAcl('auth::cdrwa')).toEqual([{ id: { scheme: 'auth', id: '' }, perms: Perms.ALL }]);
    expect(parseAcl('ip:127.0.0.1:r')).toEqual([{ id: { scheme: 'ip', id: '127.0.0.1' }, perms: Perms.READ }]);
    expect(parseAcl('ip:10.0.0.0/8:rw')).toEqual([{ id: { scheme: 'ip', id: '10.0.0.0/8' }, perms: Perms.READ | Perms.WRITE }]);
  });

  it('keeps colons inside the id (digest user:hash, IPv6)', () => {
    expect(parseAcl('digest:user:HdYpKZi0YhXKBr3Ey/FMgJ4Gg+s=:cdrwa')).toEqual([
      { id: { scheme: 'digest', id: 'user:HdYpKZi0YhXKBr3Ey/FMgJ4Gg+s=' }, perms: Perms.ALL },
    ]);
    expect(parseAcl('ip:::1:r')).toEqual([{ id: { scheme: 'ip', id: '::1' }, perms: Perms.READ }]);
  });

  it('parses comma-separated lists, trimming spaces around entries', () => {
    expect(parseAcl('world:anyone:r, digest:u:h:cdrwa')).toEqual([
      { id: { scheme: 'world', id: 'anyone' }, perms: Perms.READ },
      { id: { scheme: 'digest', id: 'u:h' }, perms: Perms.ALL },
    ]);
  });

  it('rejects malformed entries instead of skipping them as zkCli does', () => {
    expect(() => parseAcl('bad:acl')).toThrow(new UsageError('ACL entry "bad:acl" does not have the form scheme:id:perms'));
    expect(() => parseAcl('noColons')).toThrow(UsageError);
    expect(() => parseAcl(':id:r')).toThrow(UsageError);
    expect(() => parseAcl('world:anyone:r,')).toThrow(/empty entry/);
    expect(() => parseAcl('world:anyone:xyz')).toThrow(new UsageError('unknown permission "x" in ACL entry "world:anyone:xyz" (use letters from crwda)'));
    expect(() => parseAcl('world:anyone:')).toThrow(/grants no permissions/);
  });
});

describe('permissions', () => {
  it('parses letters in any order', () => {
    expect(parsePerms('ardwc', 'e')).toBe(Perms.ALL);
    expect(parsePerms('r', 'e')).toBe(Perms.READ);
    expect(parsePerms('ca', 'e')).toBe(Perms.CREATE | Perms.ADMIN);
  });

  it('formats in zkCli order cdrwa', () => {
    expect(formatPerms(Perms.ALL)).toBe('cdrwa');
    expect(formatPerms(Perms.READ | Perms.ADMIN)).toBe('ra');
    expect(formatPerms(0)).toBe('');
  });

  it('round-trips every subset', () => {
    for (let perms = 1; perms <= Perms.ALL; perms++) expect(parsePerms(formatPerms(perms), 'e')).toBe(perms);
  });
});

describe('formatAcl', () => {
  it('prints getAcl output as zkCli does', () => {
    expect(formatAcl([...parseAcl('world:anyone:cdrwa,digest:u:hash:r')])).toEqual(["'world,'anyone", ': cdrwa', "'digest,'u:hash", ': r']);
  });
});
