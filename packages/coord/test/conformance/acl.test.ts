import { describe, expect, it } from 'vitest';
import {
  AuthFailedError,
  BadArgumentsError,
  CREATOR_ALL_ACL,
  InvalidAclError,
  NoAuthError,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
  digestAcl,
  digestId,
  ipAcl,
  type ACL,
} from '../../src/index.js';
import { dropConnection } from '../../src/testing/index.js';
import { StateLog, useTarget, utf8 } from './harness.js';
import { targets } from './target.js';

const ALICE = { scheme: 'digest', auth: 'alice:secret' } as const;

for (const target of targets) {
  describe(target.name, () => {
    const zk = useTarget(target);

    it('a world read-only node can be read but not written, given ACLs or children; its parent decides deletion', async () => {
      const client = await zk.client();
      const p = zk.path('/ro');
      await client.create(p, 'frozen', { acl: READ_ACL_UNSAFE });
      expect(utf8((await client.getData(p)).data)).toBe('frozen');
      expect(await client.getChildren(p)).toEqual([]);
      expect(await client.exists(p)).not.toBeNull();
      expect((await client.getACL(p)).acl).toEqual(READ_ACL_UNSAFE);
      await expect(client.setData(p, 'thawed')).rejects.toBeInstanceOf(NoAuthError);
      await expect(client.create(`${p}/child`)).rejects.toBeInstanceOf(NoAuthError);
      await expect(client.setACL(p, OPEN_ACL_UNSAFE)).rejects.toBeInstanceOf(NoAuthError);
      expect(utf8((await client.getData(p)).data)).toBe('frozen');
      // Deleting needs DELETE on the parent, which is open.
      await client.delete(p);
      expect(await client.exists(p)).toBeNull();
    });

    it('a digest ACL denies a client without the credential and admits it after addAuth', async () => {
      const alice = await zk.client({ auth: [ALICE] });
      const p = zk.path('/secret');
      await alice.create(p, 'for alice', { acl: [digestAcl(Perms.ALL, 'alice', 'secret')] });

      const stranger = await zk.client();
      await expect(stranger.getData(p)).rejects.toBeInstanceOf(NoAuthError);
      await expect(stranger.getChildren(p)).rejects.toBeInstanceOf(NoAuthError);
      await expect(stranger.setData(p, 'x')).rejects.toBeInstanceOf(NoAuthError);
      await expect(stranger.create(`${p}/c`)).rejects.toBeInstanceOf(NoAuthError);
      await expect(stranger.getACL(p)).rejects.toBeInstanceOf(NoAuthError);
      // A wrong password authenticates (as another digest id) but does not match the ACL.
      await stranger.addAuth('digest', 'alice:wrong');
      await expect(stranger.getData(p)).rejects.toBeInstanceOf(NoAuthError);
      await stranger.addAuth('digest', 'alice:secret');
      expect(utf8((await stranger.getData(p)).data)).toBe('for alice');
      await stranger.setData(p, 'changed');
      expect(utf8((await alice.getData(p)).data)).toBe('changed');
    });

    it('exists needs no READ permission', async () => {
      const alice = await zk.client({ auth: [ALICE] });
      const stranger = await zk.client();
      const p = zk.path('/secret');
      const { stat } = await alice.createWithStat(p, 'x', { acl: [digestAcl(Perms.ALL, 'alice', 'secret')] });
      // Apache ZooKeeper 3.8 checks no ACL on exists; the Stat (not the data) is visible to anyone.
      expect(await stranger.exists(p)).toEqual(stat);
      expect(await stranger.exists(`${p}/none`)).toBeNull();
      // getAllChildrenNumber on it needs READ.
      await expect(stranger.getAllChildrenNumber(p)).rejects.toBeInstanceOf(NoAuthError);
    });

    it('CREATOR_ALL_ACL needs an authenticated identity and is stored as that digest id', async () => {
      const anonymous = await zk.client();
      await expect(anonymous.create(zk.path('/mine'), null, { acl: CREATOR_ALL_ACL })).rejects.toBeInstanceOf(InvalidAclError);
      expect(await anonymous.exists(zk.path('/mine'))).toBeNull();

      const alice = await zk.client({ auth: [ALICE] });
      await alice.create(zk.path('/mine'), null, { acl: CREATOR_ALL_ACL });
      const { acl, stat } = await alice.getACL(zk.path('/mine'));
      expect(acl).toEqual([{ perms: Perms.ALL, id: { scheme: 'digest', id: digestId('alice', 'secret') } }]);
      expect(stat.aversion).toBe(0);
      // setACL with the auth pseudo-scheme is expanded the same way.
      await alice.setACL(zk.path('/mine'), [{ perms: Perms.READ | Perms.ADMIN, id: { scheme: 'auth', id: '' } }]);
      expect((await alice.getACL(zk.path('/mine'))).acl).toEqual([{ perms: Perms.READ | Perms.ADMIN, id: { scheme: 'digest', id: digestId('alice', 'secret') } }]);
      await expect(anonymous.setACL(zk.path('/mine'), OPEN_ACL_UNSAFE)).rejects.toBeInstanceOf(NoAuthError);
      // The new ACL is checked before the caller's ADMIN permission: an anonymous client asking
      // for CREATOR_ALL_ACL hears INVALIDACL, not NOAUTH.
      await expect(anonymous.setACL(zk.path('/mine'), CREATOR_ALL_ACL)).rejects.toBeInstanceOf(InvalidAclError);
    });

    it('getACL needs READ or ADMIN; without ADMIN the digest hashes are redacted', async () => {
      const alice = await zk.client({ auth: [ALICE] });
      const p = zk.path('/mixed');
      const acl: ACL[] = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }, digestAcl(Perms.ALL, 'alice', 'secret')];
      await alice.create(p, null, { acl });
      expect((await alice.getACL(p)).acl).toEqual(acl);

      const reader = await zk.client();
      const seen = await reader.getACL(p);
      expect(seen.acl).toEqual([{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }, { perms: Perms.ALL, id: { scheme: 'digest', id: 'alice:x' } }]);
      expect(seen.stat).toEqual(await alice.exists(p));

      // ADMIN alone (no READ) is enough to read the ACL in full.
      const adminOnly = zk.path('/admin-only');
      await alice.create(adminOnly, null, { acl: [{ perms: Perms.ADMIN, id: { scheme: 'world', id: 'anyone' } }, digestAcl(Perms.ALL, 'alice', 'secret')] });
      expect((await reader.getACL(adminOnly)).acl).toEqual([{ perms: Perms.ADMIN, id: { scheme: 'world', id: 'anyone' } }, digestAcl(Perms.ALL, 'alice', 'secret')]);
      await expect(reader.getData(adminOnly)).rejects.toBeInstanceOf(NoAuthError);
    });

    it('an ip ACL admits its address (or network) and denies every other', async () => {
      const client = await zk.client();
      await client.create(zk.path('/local'), 'l', { acl: [ipAcl(Perms.ALL, '127.0.0.1')] });
      await client.create(zk.path('/net'), 'n', { acl: [ipAcl(Perms.ALL, '127.0.0.0/8')] });
      await client.create(zk.path('/remote'), 'r', { acl: [ipAcl(Perms.ALL, '10.1.2.3')] });
      expect(utf8((await client.getData(zk.path('/local'))).data)).toBe('l');
      await client.setData(zk.path('/local'), 'l2');
      expect(utf8((await client.getData(zk.path('/net'))).data)).toBe('n');
      await expect(client.getData(zk.path('/remote'))).rejects.toBeInstanceOf(NoAuthError);
      await expect(client.setData(zk.path('/remote'), 'x')).rejects.toBeInstanceOf(NoAuthError);
    });

    it('rejects ACLs with an unknown scheme or a malformed id with InvalidAclError', async () => {
      const client = await zk.client();
      const invalid: ACL[][] = [
        [{ perms: Perms.ALL, id: { scheme: 'no-such-scheme', id: 'x' } }],
        [{ perms: Perms.ALL, id: { scheme: 'digest', id: 'no-colon' } }],
        [{ perms: Perms.ALL, id: { scheme: 'ip', id: '300.1.2.3' } }],
        [OPEN_ACL_UNSAFE[0] as ACL, { perms: Perms.ALL, id: { scheme: 'bogus', id: '' } }],
      ];
      await client.create(zk.path('/n'));
      for (const acl of invalid) {
        await expect(client.create(zk.path('/bad'), null, { acl }), JSON.stringify(acl)).rejects.toBeInstanceOf(InvalidAclError);
        await expect(client.setACL(zk.path('/n'), acl), JSON.stringify(acl)).rejects.toBeInstanceOf(InvalidAclError);
      }
      expect(await client.exists(zk.path('/bad'))).toBeNull();
      expect((await client.getACL(zk.path('/n'))).acl).toEqual(OPEN_ACL_UNSAFE);
      // An empty ACL list never reaches the server.
      await expect(client.create(zk.path('/bad'), null, { acl: [] })).rejects.toBeInstanceOf(BadArgumentsError);
    });

    it('credentials are sent again after a reconnect', async () => {
      const alice = await zk.client();
      await alice.addAuth('digest', 'alice:secret');
      await alice.create(zk.path('/secret'), 's', { acl: [digestAcl(Perms.ALL, 'alice', 'secret')] });
      const states = new StateLog(alice);
      dropConnection(alice);
      await states.waitFor('reconnected');
      expect(utf8((await alice.getData(zk.path('/secret'))).data)).toBe('s');
      expect(await alice.whoAmI()).toEqual(expect.arrayContaining([{ scheme: 'digest', user: 'alice' }]));
    });

    it('addAuth with an unknown scheme fails with AuthFailedError; the server drops the connection, the session survives', async () => {
      const client = await zk.client();
      const sessionId = client.sessionId;
      await client.create(zk.path('/e'), null, { mode: 'EPHEMERAL' });
      const states = new StateLog(client);
      await expect(client.addAuth('no-such-scheme', 'whatever')).rejects.toBeInstanceOf(AuthFailedError);
      // The server answers AUTHFAILED and closes the connection; the client reconnects to the
      // same session (and does not send the failed credential again).
      const suspendedAt = await states.waitFor('suspended');
      await states.waitFor('reconnected', suspendedAt);
      expect(client.sessionId).toBe(sessionId);
      expect((await client.exists(zk.path('/e')))?.ephemeralOwner).toBe(sessionId);
      expect(await client.whoAmI()).toEqual([{ scheme: 'ip', user: '127.0.0.1' }]);
    });
  });
}
