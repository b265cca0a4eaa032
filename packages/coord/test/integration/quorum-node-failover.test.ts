/**
 * Failover under load: three clients write through every member (their connect string names all
 * three) while followers and leaders are stopped and restarted in turn. Afterwards every member
 * holds the same nodes and no acknowledged write is missing. Five members lose their leader
 * and a follower at once and still elect, keep the data, and take the two back.
 */
import { afterEach, expect, it } from 'vitest';
import type { QuorumPeer } from '../../src/quorum/node.js';
import { QuorumFixture, settled } from './quorum-members.js';

const fixture = new QuorumFixture();
afterEach(() => fixture.teardown());

it('members stopped and restarted under write load converge, with every acknowledged write', async () => {
  let members = await fixture.start(3);
  await settled(members);
  const acked = new Set<string>();
  let stop = false;
  const connect = members.map((m) => m.connectString).join(',');
  const writers = [0, 1, 2].map(async (w) => {
    const c = fixture.client(connect);
    let i = 0;
    while (!stop) {
      const batch = Array.from({ length: 8 }, () => `/w${w}-${i++}`);
      await Promise.all(batch.map((p) => c.create(p, p).then(() => acked.add(p), () => undefined)));
    }
  });
  for (let round = 0; round < 3; round++) {
    await new Promise((r) => setTimeout(r, 200));
    const { leader, followers } = await settled(members, 30_000);
    const victim = round % 2 === 0 ? (followers[0] as QuorumPeer) : leader;
    await fixture.stop(victim);
    await new Promise((r) => setTimeout(r, 200));
    const back = await fixture.restart(victim.id);
    members = [...members.filter((m) => m !== victim), back];
  }
  stop = true;
  await Promise.all(writers);
  await settled(members, 30_000);
  const views: string[][] = [];
  for (const m of members) {
    const c = fixture.client(m);
    await c.sync('/');
    views.push((await c.getChildren('/')).filter((n) => n.startsWith('w')).sort());
  }
  expect(acked.size).toBeGreaterThan(100);
  expect(views[1]).toEqual(views[0]);
  expect(views[2]).toEqual(views[0]);
  const seen = new Set(views[0]?.map((n) => `/${n}`));
  const lost = [...acked].filter((p) => !seen.has(p));
  expect(lost).toEqual([]);
}, 120_000);

it('five members: losing the leader and a follower at once still elects and keeps data', async () => {
  const members = await fixture.start(5);
  const first = await settled(members);
  const c = fixture.client(first.followers[3] as QuorumPeer);
  for (let i = 0; i < 50; i++) await c.create(`/f${i}`, null);
  await fixture.close(c);
  await Promise.all([fixture.stop(first.leader), fixture.stop(first.followers[0] as QuorumPeer)]);
  const rest = members.filter((m) => m !== first.leader && m !== first.followers[0]);
  const second = await settled(rest, 30_000);
  const d = fixture.client(second.leader);
  expect((await d.getChildren('/')).filter((n) => n.startsWith('f'))).toHaveLength(50);
  await d.create('/g', null);
  const back = await Promise.all([fixture.restart(first.leader.id), fixture.restart((first.followers[0] as QuorumPeer).id)]);
  const all = [...rest, ...back];
  await settled(all, 30_000);
  for (const m of all) {
    const e = fixture.client(m);
    await e.sync('/');
    expect(await e.exists('/g')).not.toBeNull();
    expect((await e.getChildren('/')).filter((n) => n.startsWith('f'))).toHaveLength(50);
  }
}, 60_000);
