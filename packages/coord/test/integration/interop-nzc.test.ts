/**
 * node-zookeeper-client 1.1.3 against coord: create in the modes it names (and the container/TTL
 * flags it does not name, sent as plain create flags), getData/setData with versions,
 * getChildren, watches of each kind firing, transaction() (multi) succeeding and failing with
 * per-op results, digest ACLs (addAuthInfo, getACL/setACL, enforcement), and ephemerals removed
 * when a client closes. The library sends the old ConnectRequest without the readOnly byte.
 * The same script runs against Apache ZooKeeper; the normalised transcripts must be equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestId, type CoordClient } from '../../src/index.js';
import { EventLog } from './interop/event-log.js';
import { ownerLabel, SessionLabels, ZxidLabels } from './interop/normalise.js';
import { NzcClient, NzcError, NzcMode, NzcPerms, type NzcAcl, type NzcEvent, type NzcOpResult, type NzcStat } from './interop/nzc.js';
import { connectCoordClient, scenario, startInteropServers, type InteropServers, type Target } from './interop/servers.js';
import { APACHE_REQUIREMENT, toolsPresent } from './interop/tools.js';

const apacheAvailable = toolsPresent('the node-zookeeper-client interop comparison with Apache ZooKeeper', [APACHE_REQUIREMENT()]);

const OPEN: readonly NzcAcl[] = [{ perms: NzcPerms.ALL, scheme: 'world', id: 'anyone' }];
const ALICE: NzcAcl = { perms: NzcPerms.ALL, scheme: 'digest', id: digestId('alice', 'secret') };
const WORLD_READ: NzcAcl = { perms: NzcPerms.READ, scheme: 'world', id: 'anyone' };
const CREATOR_ALL: readonly NzcAcl[] = [{ perms: NzcPerms.ALL, scheme: 'auth', id: '' }];

/** The session's printed record: every step with its normalised result or error. */
class Transcript {
  readonly lines: string[] = [];
  private readonly zxids = new ZxidLabels();
  private readonly sessions = new SessionLabels();

  constructor(...sessionIds: bigint[]) {
    for (const id of sessionIds) this.sessions.label(id);
  }

  say(line: string): void {
    this.lines.push(line);
  }

  stat(s: NzcStat | null): string {
    if (s === null) return 'null';
    const z = (v: bigint): string => this.zxids.label(v);
    return (
      `czxid=${z(s.czxid)} mzxid=${z(s.mzxid)} pzxid=${z(s.pzxid)} version=${s.version} cversion=${s.cversion} ` +
      `aversion=${s.aversion} owner=${ownerLabel(s.ephemeralOwner, this.sessions)} dataLength=${s.dataLength} numChildren=${s.numChildren}`
    );
  }

  results(results: readonly NzcOpResult[]): string {
    return results
      .map((r) => {
        switch (r.type) {
          case 'create':
            return `create ${r.path}`;
          case 'setData':
            return `setData ${this.stat(r.stat)}`;
          case 'error':
            return `error ${r.code}`;
          default:
            return r.type;
        }
      })
      .join('; ');
  }

  /** Runs a step; records "label -> shown value" or "label -> CODE_NAME(code)". */
  async step<T>(label: string, action: () => Promise<T>, show: (value: T) => string): Promise<T | undefined> {
    try {
      const value = await action();
      this.say(`${label} -> ${show(value)}`);
      return value;
    } catch (err) {
      if (!(err instanceof NzcError)) throw err;
      this.say(`${label} -> ${err.codeName}(${err.code})`);
      return undefined;
    }
  }
}

function acls(list: readonly NzcAcl[]): string {
  return list.map((a) => `${a.scheme}:${a.id}:${a.perms}`).join(',');
}

function eventText(label: string, e: NzcEvent): string {
  return `${label}: ${e.type} ${e.path}`;
}

interface NzcRun {
  readonly transcript: readonly string[];
  readonly ephemeralsAfterClose: readonly string[];
}

async function nzcSession(target: Target): Promise<NzcRun> {
  const other: CoordClient = await connectCoordClient(target);
  const clients: NzcClient[] = [];
  const connect = async (): Promise<NzcClient> => {
    const c = await NzcClient.connect(target.connectString, { sessionTimeoutMs: 10_000 });
    clients.push(c);
    return c;
  };
  const closeClient = async (c: NzcClient): Promise<void> => {
    clients.splice(clients.indexOf(c), 1);
    await c.close();
  };
  try {
    const c = await connect();
    const t = new Transcript(c.sessionId);
    const show = {
      path: (p: string): string => p,
      stat: (s: NzcStat | null): string => t.stat(s),
      none: (): string => 'ok',
      data: (d: { data: string | null; stat: NzcStat }): string => `${JSON.stringify(d.data)} ${t.stat(d.stat)}`,
      children: (r: { children: string[]; stat: NzcStat }): string => `[${[...r.children].sort().join(', ')}] ${t.stat(r.stat)}`,
      acl: (r: { acl: NzcAcl[]; stat: NzcStat }): string => `${acls(r.acl)} ${t.stat(r.stat)}`,
      multi: (r: { error: NzcError | undefined; results: NzcOpResult[] }): string =>
        `${r.error === undefined ? 'OK' : `${r.error.codeName}(${r.error.code})`} [${t.results(r.results)}]`,
    };
    t.say(`negotiated session timeout ${c.negotiatedTimeoutMs}`);

    t.say('## create');
    await t.step('create /nz', () => c.create('/nz', 'root'), show.path);
    await t.step('create /nz/p', () => c.create('/nz/p', 'p0'), show.path);
    await t.step('create /nz/e EPHEMERAL', () => c.create('/nz/e', 'e', { mode: NzcMode.EPHEMERAL }), show.path);
    await t.step('create /nz/ps- PERSISTENT_SEQUENTIAL', () => c.create('/nz/ps-', 'ps', { mode: NzcMode.PERSISTENT_SEQUENTIAL }), show.path);
    await t.step('create /nz/ps- PERSISTENT_SEQUENTIAL', () => c.create('/nz/ps-', 'ps', { mode: NzcMode.PERSISTENT_SEQUENTIAL }), show.path);
    await t.step('create /nz/es- EPHEMERAL_SEQUENTIAL', () => c.create('/nz/es-', 'es', { mode: NzcMode.EPHEMERAL_SEQUENTIAL }), show.path);
    await t.step('create /nz/null (no data)', () => c.create('/nz/null', null), show.path);
    await t.step('create /nz/p again', () => c.create('/nz/p', 'dup'), show.path);
    await t.step('create /nz/none/x', () => c.create('/nz/none/x', 'x'), show.path);
    await t.step('create /nz/e/x', () => c.create('/nz/e/x', 'x'), show.path);
    await t.step('create /nz/bad CREATOR_ALL unauthenticated', () => c.create('/nz/bad', 'x', { acl: CREATOR_ALL }), show.path);
    await t.step('exists /nz/e', () => c.exists('/nz/e'), show.stat);
    await t.step('exists /nz/missing', () => c.exists('/nz/missing'), show.stat);
    await t.step('getData /nz/null', () => c.getData('/nz/null'), show.data);

    t.say('## versions');
    await t.step('getData /nz/p', () => c.getData('/nz/p'), show.data);
    await t.step('setData /nz/p p1 v0', () => c.setData('/nz/p', 'p1', 0), show.stat);
    await t.step('setData /nz/p p2 v0 (stale)', () => c.setData('/nz/p', 'p2', 0), show.stat);
    await t.step('setData /nz/p p2 v1', () => c.setData('/nz/p', 'p2', 1), show.stat);
    await t.step('setData /nz/p empty', () => c.setData('/nz/p', ''), show.stat);
    await t.step('setData /nz/missing', () => c.setData('/nz/missing', 'x'), show.stat);
    await t.step('remove /nz/p v5', () => c.remove('/nz/p', 5), show.none);
    await t.step('remove /nz/missing', () => c.remove('/nz/missing'), show.none);
    await t.step('remove /nz (not empty)', () => c.remove('/nz'), show.none);
    await t.step('remove /nz/p v3', () => c.remove('/nz/p', 3), show.none);

    t.say('## ls');
    await t.step('getChildren /nz', () => c.getChildren('/nz'), show.children);
    await t.step('getChildren /nz/missing', () => c.getChildren('/nz/missing'), show.children);

    t.say('## watches');
    const events = new EventLog();
    const record = (label: string) => (e: NzcEvent) => events.push(eventText(label, e));
    await t.step('create /nz/w', () => c.create('/nz/w', 'w0'), show.path);
    await t.step('getData /nz/w +watch', () => c.getData('/nz/w', record('getData /nz/w')), show.data);
    await t.step('exists /nz/w +watch', () => c.exists('/nz/w', record('exists /nz/w')), show.stat);
    await t.step('getChildren /nz/w +watch', () => c.getChildren('/nz/w', record('getChildren /nz/w')), show.children);
    await t.step('exists /nz/w/new +watch', () => c.exists('/nz/w/new', record('exists /nz/w/new')), show.stat);
    await t.step('exists /nz/sentinel +watch', () => c.exists('/nz/sentinel', record('exists /nz/sentinel')), show.stat);
    await other.setData('/nz/w', 'w1');
    await other.create('/nz/w/new', 'n');
    t.say(`events: ${(await events.waitFor(4)).join(' | ')}`);
    // Spent one-shot watches must stay quiet; the sentinel's event then proves nothing else came.
    await other.setData('/nz/w', 'w2');
    await other.delete('/nz/w/new');
    await other.create('/nz/sentinel', 's');
    t.say(`events after sentinel: ${(await events.waitFor(5)).slice(4).join(' | ')}`);
    await t.step('getChildren /nz/w +watch', () => c.getChildren('/nz/w', record('getChildren /nz/w')), show.children);
    await c.remove('/nz/w');
    t.say(`events after remove: ${(await events.waitFor(6)).slice(5).join(' | ')}`);

    t.say('## multi');
    await t.step('create /nz/m', () => c.create('/nz/m', null), show.path);
    await t.step(
      'transaction ok',
      () =>
        c.transaction([
          { op: 'create', path: '/nz/m/a', data: 'a0' },
          { op: 'create', path: '/nz/m/s-', data: 's', mode: NzcMode.PERSISTENT_SEQUENTIAL },
          { op: 'create', path: '/nz/m/b', data: 'b' },
          { op: 'setData', path: '/nz/m/a', data: 'a1', version: -1 },
          { op: 'check', path: '/nz/m/a', version: 1 },
          { op: 'delete', path: '/nz/m/b', version: -1 },
        ]),
      show.multi,
    );
    await t.step('getData /nz/m/a', () => c.getData('/nz/m/a'), show.data);
    await t.step(
      'transaction failing check',
      () =>
        c.transaction([
          { op: 'create', path: '/nz/m/x', data: 'x' },
          { op: 'check', path: '/nz/m/a', version: 9 },
          { op: 'setData', path: '/nz/m/a', data: 'never' },
        ]),
      show.multi,
    );
    await t.step('exists /nz/m/x', () => c.exists('/nz/m/x'), show.stat);
    await t.step('transaction failing first op', () => c.transaction([{ op: 'delete', path: '/nz/m/missing' }, { op: 'create', path: '/nz/m/y' }]), show.multi);
    await t.step('transaction bad setData version', () => c.transaction([{ op: 'setData', path: '/nz/m/a', data: 'x', version: 7 }]), show.multi);
    await t.step(
      'transaction duplicate create',
      () => c.transaction([{ op: 'create', path: '/nz/m/d' }, { op: 'create', path: '/nz/m/d' }]),
      show.multi,
    );
    // Not scripted: a multi create with container flags. Apache ZooKeeper answers it with a
    // create2 result (type 15, path and Stat), which this library cannot decode (it throws
    // "Unknown type: 15 in transaction response" from its socket handler).
    await t.step('transaction empty', () => c.transaction([]), show.multi);
    await t.step('getChildren /nz/m', () => c.getChildren('/nz/m'), show.children);

    t.say('## ACLs');
    const alice = await connect();
    alice.addAuthInfo('digest', 'alice:secret');
    await t.step('alice create /nz/acl', () => alice.create('/nz/acl', 'secret-data', { acl: [ALICE] }), show.path);
    await t.step('alice create /nz/acl-r', () => alice.create('/nz/acl-r', 'readable', { acl: [ALICE, WORLD_READ] }), show.path);
    await t.step('alice create /nz/mine CREATOR_ALL', () => alice.create('/nz/mine', 'm', { acl: CREATOR_ALL }), show.path);
    await t.step('alice getACL /nz/mine', () => alice.getACL('/nz/mine'), show.acl);
    await t.step('alice getACL /nz/acl', () => alice.getACL('/nz/acl'), show.acl);
    await t.step('anonymous getData /nz/acl', () => c.getData('/nz/acl'), show.data);
    await t.step('anonymous setData /nz/acl', () => c.setData('/nz/acl', 'x'), show.stat);
    await t.step('anonymous getChildren /nz/acl', () => c.getChildren('/nz/acl'), show.children);
    await t.step('anonymous create /nz/acl/kid', () => c.create('/nz/acl/kid', 'k'), show.path);
    await t.step('anonymous exists /nz/acl', () => c.exists('/nz/acl'), show.stat);
    await t.step('anonymous getACL /nz/acl', () => c.getACL('/nz/acl'), show.acl);
    await t.step('anonymous setACL /nz/acl', () => c.setACL('/nz/acl', OPEN), show.stat);
    await t.step('anonymous getData /nz/acl-r', () => c.getData('/nz/acl-r'), show.data);
    await t.step('anonymous getACL /nz/acl-r (READ only)', () => c.getACL('/nz/acl-r'), show.acl);
    await t.step('anonymous setData /nz/acl-r', () => c.setData('/nz/acl-r', 'x'), show.stat);
    await t.step('anonymous transaction touching /nz/acl', () => c.transaction([{ op: 'create', path: '/nz/m/z' }, { op: 'setData', path: '/nz/acl', data: 'x' }]), show.multi);
    c.addAuthInfo('digest', 'alice:secret');
    await t.step('authenticated getData /nz/acl', () => c.getData('/nz/acl'), show.data);
    await t.step('authenticated setACL /nz/acl v5', () => c.setACL('/nz/acl', [ALICE, WORLD_READ], 5), show.stat);
    await t.step('authenticated setACL /nz/acl v0', () => c.setACL('/nz/acl', [ALICE, WORLD_READ], 0), show.stat);
    await t.step('authenticated getACL /nz/acl', () => c.getACL('/nz/acl'), show.acl);
    await t.step('setACL invalid digest id', () => c.setACL('/nz/acl', [{ perms: NzcPerms.ALL, scheme: 'digest', id: 'no-colon' }]), show.stat);
    await t.step('setACL unknown scheme', () => c.setACL('/nz/acl', [{ perms: NzcPerms.ALL, scheme: 'bogus', id: 'x' }]), show.stat);
    await t.step('authenticated transaction touching /nz/acl', () => c.transaction([{ op: 'create', path: '/nz/acl/kid' }, { op: 'setData', path: '/nz/acl', data: 'y' }]), show.multi);
    await closeClient(alice);

    t.say('## ephemerals of a closed client');
    const temp = await connect();
    await t.step('temp create /nz/tmp-e', () => temp.create('/nz/tmp-e', 'te', { mode: NzcMode.EPHEMERAL }), show.path);
    await t.step('temp create /nz/tmp-es-', () => temp.create('/nz/tmp-es-', 'tes', { mode: NzcMode.EPHEMERAL_SEQUENTIAL }), show.path);
    const gone = new EventLog();
    await t.step('exists /nz/tmp-e +watch', () => c.exists('/nz/tmp-e', (e) => gone.push(eventText('exists /nz/tmp-e', e))), show.stat);
    await closeClient(temp);
    t.say(`events: ${(await gone.waitFor(1)).join(' | ')}`);
    await t.step('exists /nz/tmp-e', () => c.exists('/nz/tmp-e'), show.stat);
    await t.step('getChildren /nz', () => c.getChildren('/nz'), show.children);

    // Last, so that a difference here does not shift the zxid labels and sequence numbers above:
    // flags the library does not name, sent with opcode create (1), not createContainer/createTTL.
    t.say('## create flags without a name');
    await t.step('create /nz/f', () => c.create('/nz/f', null), show.path);
    await t.step('create /nz/f/c flags=4 (container) by create', () => c.create('/nz/f/c', 'c', { mode: NzcMode.CONTAINER }), show.path);
    await t.step('exists /nz/f/c', () => c.exists('/nz/f/c'), show.stat);
    await t.step('create /nz/f/t flags=5 (TTL) by create', () => c.create('/nz/f/t', 't', { mode: NzcMode.PERSISTENT_WITH_TTL }), show.path);
    await t.step('create /nz/f/ts- flags=6 (sequential TTL) by create', () => c.create('/nz/f/ts-', 't', { mode: NzcMode.PERSISTENT_SEQUENTIAL_WITH_TTL }), show.path);
    await t.step('create /nz/f/x flags=7', () => c.create('/nz/f/x', 'x', { mode: 7 }), show.path);

    // The main client's own ephemerals go when it closes.
    const before = (await other.getChildren('/nz')).filter((n) => n === 'e' || n.startsWith('es-')).sort();
    t.say(`own ephemerals before close: ${before.join(', ')}`);
    await closeClient(c);
    const after: string[] = [];
    for (const name of before) if ((await other.exists(`/nz/${name}`)) !== null) after.push(name);
    return { transcript: t.lines, ephemeralsAfterClose: after };
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    await other.close();
  }
}

describe('interop: node-zookeeper-client against coord', () => {
  let servers: InteropServers | undefined;
  const nzc = scenario(() => {
    if (servers === undefined) throw new Error('servers not started');
    return servers;
  }, nzcSession);

  beforeAll(async () => {
    servers = await startInteropServers({ apache: apacheAvailable });
  });

  afterAll(async () => {
    await servers?.stop();
  });

  it('runs a node-zookeeper-client session against coord', async () => {
    const { transcript, ephemeralsAfterClose } = await nzc.on('coord');
    const line = (label: string): string | undefined => transcript.find((l) => l.startsWith(`${label} -> `))?.slice(label.length + 4);
    expect(transcript[0]).toBe('negotiated session timeout 10000');
    expect(line('create /nz/es- EPHEMERAL_SEQUENTIAL')).toBe('/nz/es-0000000004');
    // Apache ZooKeeper accepts container flags on a plain create (an ordinary persistent node
    // results) and rejects the TTL flags without a TTL.
    expect(line('create /nz/f/c flags=4 (container) by create')).toBe('/nz/f/c');
    expect(line('create /nz/f/t flags=5 (TTL) by create')).toBe('BAD_ARGUMENTS(-8)');
    expect(line('create /nz/p again')).toBe('NODE_EXISTS(-110)');
    expect(line('create /nz/none/x')).toBe('NO_NODE(-101)');
    expect(line('create /nz/e/x')).toBe('NO_CHILDREN_FOR_EPHEMERALS(-108)');
    expect(line('create /nz/bad CREATOR_ALL unauthenticated')).toBe('INVALID_ACL(-114)');
    expect(line('exists /nz/e')).toMatch(/ owner=S1 /);
    expect(line('setData /nz/p p1 v0')).toMatch(/ version=1 /);
    expect(line('setData /nz/p p2 v0 (stale)')).toBe('BAD_VERSION(-103)');
    expect(line('setData /nz/p p2 v1')).toMatch(/ version=2 /);
    expect(line('remove /nz/p v5')).toBe('BAD_VERSION(-103)');
    expect(line('remove /nz (not empty)')).toBe('NOT_EMPTY(-111)');
    expect(transcript).toContain('events: getData /nz/w: NODE_DATA_CHANGED /nz/w | exists /nz/w: NODE_DATA_CHANGED /nz/w | exists /nz/w/new: NODE_CREATED /nz/w/new | getChildren /nz/w: NODE_CHILDREN_CHANGED /nz/w');
    expect(transcript).toContain('events after sentinel: exists /nz/sentinel: NODE_CREATED /nz/sentinel');
    expect(transcript).toContain('events after remove: getChildren /nz/w: NODE_DELETED /nz/w');
    expect(line('transaction ok')).toMatch(/^OK \[create \/nz\/m\/a; create \/nz\/m\/s-0000000001; create \/nz\/m\/b; setData .* version=1 .*; check; delete\]$/);
    expect(line('transaction failing check')).toBe('BAD_VERSION(-103) [error 0; error -103; error -2]');
    expect(line('exists /nz/m/x')).toBe('null');
    expect(line('transaction empty')).toBe('OK []');
    expect(line('anonymous getData /nz/acl')).toBe('NO_AUTH(-102)');
    expect(line('anonymous setData /nz/acl')).toBe('NO_AUTH(-102)');
    expect(line('anonymous create /nz/acl/kid')).toBe('NO_AUTH(-102)');
    expect(line('anonymous exists /nz/acl')).toMatch(/^czxid=/);
    expect(line('anonymous getACL /nz/acl-r (READ only)')).toMatch(/^digest:alice:x:31,world:anyone:1 /);
    expect(line('authenticated getData /nz/acl')).toMatch(/^"secret-data" /);
    expect(line('authenticated setACL /nz/acl v5')).toBe('BAD_VERSION(-103)');
    expect(line('alice getACL /nz/mine')).toMatch(new RegExp(`^digest:${digestId('alice', 'secret').replace(/[+/=]/g, '\\$&')}:31 `));
    expect(transcript).toContain('events: exists /nz/tmp-e: NODE_DELETED /nz/tmp-e');
    expect(line('exists /nz/tmp-e')).toBe('null');
    expect(ephemeralsAfterClose).toEqual([]);
  });

  it.skipIf(!apacheAvailable)('the node-zookeeper-client transcripts from coord and Apache ZooKeeper are the same', async () => { // requires Apache ZooKeeper; skips only outside CI
    const [coord, apache] = await Promise.all([nzc.on('coord'), nzc.on('apache')]);
    expect(coord.transcript.join('\n')).toEqual(apache.transcript.join('\n'));
    expect(coord.ephemeralsAfterClose).toEqual(apache.ephemeralsAfterClose);
  });
});
