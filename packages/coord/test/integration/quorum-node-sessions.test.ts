/**
 * Sessions on a coord ensemble: a session reattaches on another member (revalidated through the
 * leader), the leader expires a session whose client went quiet (its ephemerals go everywhere),
 * a restarted member catches up, and a member that is not serving refuses clients but answers
 * srvr as Apache does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { QuorumPeer } from '../../src/quorum/node.js';
import { CoordClient } from '../../src/client/client.js';
import { sessionOf } from '../../src/client/internal.js';
import { dropConnection, expireSession } from '../../src/testing/client-faults.js';
import { fourLetterWord } from '../../src/testing/four-letter-word.js';
import { QuorumFixture, settled, text } from './quorum-members.js';

const fixture = new QuorumFixture();
afterEach(() => fixture.teardown());

describe('sessions on a 3-member coord ensemble', () => {
  it('a session reattaches on another member with its ephemerals, and is closed from there', async () => {
    const members = await fixture.start(3);
    const { leader, followers } = await settled(members);
    const owner = fixture.client(followers[0] as QuorumPeer);
    await owner.create('/mine', null, { mode: 'EPHEMERAL' });
    // A twin attaches to the same session on the other follower (revalidate), then closes it.
    const other = followers[1] as QuorumPeer;
    await expireSession(owner, other.connectString);
    const check = fixture.client(leader);
    await check.sync('/');
    expect(await check.exists('/mine')).toBeNull();
  });

  it('a live session on a follower outlives many of its timeouts (its touches reach the leader)', async () => {
    const members = await fixture.start(3);
    const { leader, followers } = await settled(members);
    const live = fixture.client(followers[0] as QuorumPeer, 1_000);
    await live.create('/alive', null, { mode: 'EPHEMERAL' });
    const states: string[] = [];
    live.on('state', (s) => states.push(s));
    await new Promise((r) => setTimeout(r, 4_000));
    expect(states).toEqual([]);
    const check = fixture.client(leader);
    await check.sync('/');
    expect((await check.exists('/alive'))?.ephemeralOwner).toBe(live.sessionId);
  });

  it('the leader expires a session whose client went quiet; its ephemerals go on every member', async () => {
    const members = await fixture.start(3);
    const { leader, followers } = await settled(members);
    const quiet = fixture.client(followers[0] as QuorumPeer, 1_000);
    await quiet.create('/lease', null, { mode: 'EPHEMERAL' });
    const watchers = members.map((m) => fixture.client(m));
    const gone = watchers.map(async (c) => {
      await c.sync('/');
      await new Promise<void>((resolve) => {
        void c.exists('/lease', { watch: () => resolve() }).then((stat) => {
          if (stat === null) resolve();
        });
      });
    });
    sessionOf(quiet).holdReconnects();
    dropConnection(quiet);
    await Promise.all(gone);
    for (const c of watchers) expect(await c.exists('/lease')).toBeNull();
    expect(leader.serving).toBe(true);
  });

  it('a restarted follower catches up on what it missed', async () => {
    const members = await fixture.start(3);
    const { leader, followers } = await settled(members);
    const away = followers[0] as QuorumPeer;
    const writer = fixture.client(leader);
    await writer.create('/before', 'b');
    await fixture.stop(away);
    for (let i = 0; i < 10; i++) await writer.create(`/while-away-${i}`, `${i}`);
    const back = await fixture.restart(away.id);
    const now = [...members.filter((m) => m !== away), back];
    await settled(now);
    expect(back.mode).toBe('follower');
    const c = fixture.client(back);
    expect((await c.getChildren('/')).filter((n) => n.startsWith('while-away-'))).toHaveLength(10);
    expect(text((await c.getData('/before')).data)).toBe('b');
  });

  it('the whole ensemble restarts on its dataDirs with the data and a newer epoch', async () => {
    const members = await fixture.start(3);
    const first = await settled(members);
    const writer = fixture.client(first.followers[0] as QuorumPeer);
    for (let i = 0; i < 10; i++) await writer.create(`/n${i}`, `${i}`);
    await fixture.close(writer);
    const epochBefore = first.leader.lastZxid >> 32n;
    for (const m of members) await fixture.stop(m);
    const again = await Promise.all(members.map((m) => fixture.restart(m.id)));
    const second = await settled(again);
    const c = fixture.client(second.followers[1] as QuorumPeer);
    expect((await c.getChildren('/')).filter((n) => /^n\d$/.test(n))).toHaveLength(10);
    await c.create('/after-restart', null);
    expect(second.leader.lastZxid >> 32n).toBeGreaterThan(epochBefore);
  });

  it('a member without a quorum stops serving: clients are refused, srvr says so', async () => {
    const members = await fixture.start(3, { fourLetterWords: '*' });
    const { leader, followers } = await settled(members);
    for (const f of followers) await fixture.stop(f);
    const deadline = Date.now() + 15_000;
    while (leader.serving && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(leader.serving).toBe(false);
    expect(await fourLetterWord('127.0.0.1', leader.clientPort, 'srvr')).toBe('This ZooKeeper instance is not currently serving requests\n');
    expect(await fourLetterWord('127.0.0.1', leader.clientPort, 'ruok')).toBe('imok');
    const c = new CoordClient(leader.connectString, { sessionTimeoutMs: 4_000 });
    fixture.clients.push(c);
    await expect(c.waitForConnected({ timeoutMs: 1_000 })).rejects.toThrow();
  });
});
