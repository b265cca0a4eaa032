/**
 * Three coord ensemble members in this process (startQuorumPeer over real TCP on loopback, temp
 * dataDirs): a leader is elected, clients on a follower and on the leader see each other's
 * writes (after sync), ephemerals go everywhere with their session, a watch set on a follower
 * fires for a write through the leader, and the data survives the leader being stopped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../src/index.js';
import type { QuorumPeer } from '../../src/quorum/node.js';
import { fourLetterWord } from '../../src/testing/four-letter-word.js';
import { QuorumFixture, settled, text } from './quorum-members.js';

const fixture = new QuorumFixture();
afterEach(() => fixture.teardown());

describe('a 3-member coord ensemble in one process', () => {
  it('elects one leader; srvr reports the roles and the zxid', async () => {
    const members = await fixture.start(3);
    const { leader, followers } = await settled(members);
    const srvr = await fourLetterWord('127.0.0.1', leader.clientPort, 'srvr');
    expect(srvr).toMatch(/^Mode: leader$/m);
    // As Apache: an established leader reports the zxid it proposes from (0x100000000 in a fresh
    // ensemble's first epoch), a follower its last applied txn.
    expect(srvr).toMatch(/^Zxid: 0x100000000$/m);
    for (const f of followers) {
      const text = await fourLetterWord('127.0.0.1', f.clientPort, 'srvr');
      expect(text).toMatch(/^Mode: follower$/m);
      expect(text).toMatch(/^Zxid: 0x0$/m);
    }
  });

  it('a client on a follower writes, a client on the leader reads it after sync', async () => {
    const members = await fixture.start(3);
    const { leader, followers } = await settled(members);
    const onFollower = fixture.client(followers[0] as QuorumPeer);
    await onFollower.create('/app', 'one');
    await onFollower.create('/app/child', 'two');
    expect(text((await onFollower.getData('/app/child')).data)).toBe('two');
    const onLeader = fixture.client(leader);
    await onLeader.sync('/app');
    expect(text((await onLeader.getData('/app')).data)).toBe('one');
    expect(await onLeader.getChildren('/app')).toEqual(['child']);
    // And the other way round.
    await onLeader.setData('/app', 'three');
    await onFollower.sync('/app');
    expect(text((await onFollower.getData('/app')).data)).toBe('three');
  });

  it('a read pipelined behind a write of the same session on a follower sees the write', async () => {
    const members = await fixture.start(3);
    const { followers } = await settled(members);
    const c = fixture.client(followers[0] as QuorumPeer);
    for (let i = 0; i < 20; i++) {
      const [, read, children] = await Promise.all([c.create(`/p${i}`, `v${i}`), c.getData(`/p${i}`), c.getChildren('/')]);
      expect(text(read.data)).toBe(`v${i}`);
      expect(children).toContain(`p${i}`);
    }
  });

  it('ephemerals vanish on every member when their session closes', async () => {
    const members = await fixture.start(3);
    const { followers } = await settled(members);
    const owner = fixture.client(followers[0] as QuorumPeer);
    await owner.create('/eph', null, { mode: 'EPHEMERAL' });
    const sessionId = owner.sessionId;
    const observers = members.map((m) => fixture.client(m));
    for (const c of observers) {
      await c.sync('/eph');
      expect((await c.exists('/eph'))?.ephemeralOwner).toBe(sessionId);
    }
    await fixture.close(owner);
    for (const c of observers) {
      await c.sync('/eph');
      expect(await c.exists('/eph')).toBeNull();
    }
  });

  it('a watch set on a follower fires for a write through the leader', async () => {
    const members = await fixture.start(3);
    const { leader, followers } = await settled(members);
    const onLeader = fixture.client(leader);
    await onLeader.create('/watched', 'before');
    const onFollower = fixture.client(followers[1] as QuorumPeer);
    await onFollower.sync('/watched');
    const fired = new Promise<WatchEvent>((resolve) => void onFollower.getData('/watched', { watch: resolve }));
    await onFollower.getData('/watched');
    await onLeader.setData('/watched', 'after');
    const event = await fired;
    expect(event.type).toBe('NodeDataChanged');
    expect(event.path).toBe('/watched');
    expect(text((await onFollower.getData('/watched')).data)).toBe('after');
  });

  it('re-elects when the leader stops, and the data is still there', async () => {
    const members = await fixture.start(3);
    const first = await settled(members);
    const writer = fixture.client(first.followers[0] as QuorumPeer);
    for (let i = 0; i < 20; i++) await writer.create(`/kept-${i}`, `v${i}`);
    await fixture.close(writer);
    await fixture.stop(first.leader);
    const survivors = members.filter((m) => m !== first.leader);
    const second = await settled(survivors);
    expect(second.leader.id).not.toBe(first.leader.id);
    for (const m of survivors) {
      const c = fixture.client(m);
      await c.sync('/');
      expect(text((await c.getData('/kept-19')).data)).toBe('v19');
      expect((await c.getChildren('/')).filter((n) => n.startsWith('kept-'))).toHaveLength(20);
    }
    // The new leader takes writes, and srvr says who leads now.
    const after = fixture.client(second.followers[0] as QuorumPeer);
    await after.create('/after-failover', 'ok');
    const onLeader = fixture.client(second.leader);
    await onLeader.sync('/');
    expect(text((await onLeader.getData('/after-failover')).data)).toBe('ok');
    expect(await fourLetterWord('127.0.0.1', second.leader.clientPort, 'srvr')).toMatch(/^Mode: leader$/m);
  });

  it('the leader removes an emptied container; the removal reaches every member', async () => {
    const members = await fixture.start(3, { containerCheckIntervalMs: 100 });
    const { followers } = await settled(members);
    const c = fixture.client(followers[0] as QuorumPeer);
    await c.create('/box', null, { mode: 'CONTAINER' });
    await c.create('/box/item', null);
    const gone = new Promise<WatchEvent>((resolve) => void c.exists('/box', { watch: resolve }));
    await c.delete('/box/item');
    expect((await gone).type).toBe('NodeDeleted');
    for (const m of members) {
      const other = fixture.client(m);
      await other.sync('/');
      expect(await other.exists('/box')).toBeNull();
    }
  });
});
