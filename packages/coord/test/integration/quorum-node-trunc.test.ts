/**
 * Members that rejoin out of step with the leader. One that logged a txn the ensemble never
 * committed is cut back (TRUNC: the node's `reload` truncates the dataDir, recovers, and the
 * member follows without the txn, now and after another restart). One that is further behind
 * than the leader's history gets the leader's snapshot (SNAP: installed in its dataDir, so a
 * restart recovers from it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OpCode } from '../../src/jute/opcodes.js';
import { apply } from '../../src/server/apply.js';
import { openDataDir } from '../../src/server/persistence/index.js';
import { prep } from '../../src/server/prep.js';
import { WatchTable } from '../../src/server/watch-table.js';
import type { QuorumPeer } from '../../src/quorum/node.js';
import { QuorumFixture, settled } from './quorum-members.js';

const fixture = new QuorumFixture();
afterEach(() => fixture.teardown());

/** Logs one more create on a stopped member's dataDir, as if it had logged a proposal that was never committed. */
async function logUncommittedCreate(dataDir: string, path: string): Promise<bigint> {
  const dir = await openDataDir({ dataDir, extendedTypesEnabled: true, preAllocSizeBytes: 64 * 1024 });
  const zxid = dir.lastZxid + 1n;
  const entry = prep(
    { tree: dir.tree, sessionId: 0n, cxid: 0, zxid, time: BigInt(Date.now()), authIds: [], extendedTypesEnabled: true },
    { type: OpCode.create, request: { path, data: null, acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], flags: 0 } },
  );
  expect(entry.header.type).toBe(OpCode.create);
  dir.append(entry);
  apply(dir.tree, { data: new WatchTable(), child: new WatchTable() }, entry);
  await dir.close();
  return zxid;
}

describe('a member with an uncommitted txn rejoins', () => {
  it('is truncated back to the leader history and follows without the txn', async () => {
    const members = await fixture.start(3);
    const first = await settled(members);
    const writer = fixture.client(first.leader);
    for (let i = 0; i < 5; i++) await writer.create(`/c${i}`, null);
    await fixture.close(writer);
    // X goes down and (on its disk) holds one more txn of this epoch that nobody else has.
    const x = first.followers[0] as QuorumPeer;
    await fixture.stop(x);
    const ghostZxid = await logUncommittedCreate(fixture.dataDirOf(x.id), '/ghost');
    // A new epoch without X: the leader restarts, the two elect again and write.
    await fixture.stop(first.leader);
    const leaderAgain = await fixture.restart(first.leader.id);
    const pair = [leaderAgain, first.followers[1] as QuorumPeer];
    const second = await settled(pair, 30_000);
    expect(second.leader.peer.currentEpoch).toBeGreaterThan(ghostZxid >> 32n);
    const w2 = fixture.client(second.leader);
    await w2.create('/new-epoch', null);
    // X comes back: it must lose /ghost and gain /new-epoch.
    const xBack = await fixture.restart(x.id);
    await settled([...pair, xBack], 30_000);
    const onX = fixture.client(xBack);
    await onX.sync('/');
    const children = await onX.getChildren('/');
    expect(children).toContain('new-epoch');
    expect(children).not.toContain('ghost');
    expect(children.filter((n) => /^c\d$/.test(n))).toHaveLength(5);
    // The cut is on disk too: after one more restart X still has no /ghost.
    await fixture.close(onX);
    await fixture.stop(xBack);
    const xThird = await fixture.restart(x.id);
    await settled([...pair, xThird], 30_000);
    const again = fixture.client(xThird);
    expect(await again.exists('/ghost')).toBeNull();
    expect(await again.exists('/new-epoch')).not.toBeNull();
  });

  it('far behind the leader history, gets a snapshot that its dataDir keeps', async () => {
    const members = await fixture.start(3, { committedLogSize: 5 });
    const first = await settled(members);
    const x = first.followers[0] as QuorumPeer;
    await fixture.stop(x);
    const writer = fixture.client(first.leader);
    for (let i = 0; i < 30; i++) await writer.create(`/s${i}`, `${i}`);
    const xBack = await fixture.restart(x.id);
    const all = [...members.filter((m) => m !== x), xBack];
    await settled(all, 30_000);
    const onX = fixture.client(xBack);
    await onX.sync('/');
    expect((await onX.getChildren('/')).filter((n) => /^s\d+$/.test(n))).toHaveLength(30);
    await writer.create('/after-snap', null);
    await fixture.close(onX);
    await fixture.stop(xBack);
    const xThird = await fixture.restart(x.id);
    await settled([...members.filter((m) => m !== x), xThird], 30_000);
    // Recovered from its own disk (the installed snapshot plus what it logged after it).
    expect(xThird.lastZxid).toBeGreaterThanOrEqual(first.leader.lastZxid - 1n);
    const again = fixture.client(xThird);
    expect((await again.getChildren('/')).filter((n) => /^s\d+$/.test(n))).toHaveLength(30);
    expect(await again.exists('/after-snap')).not.toBeNull();
  });
});
