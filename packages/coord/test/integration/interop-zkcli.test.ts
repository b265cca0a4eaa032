/**
 * Apache's Java clients against coord: scripted zkCli.sh sessions (create in every mode, get/set
 * with versions, ls, stat, delete, deleteall, watches fired by another client, digest ACLs seen
 * from an authenticated and an anonymous session, whoami, getEphemerals, getAllChildrenNumber,
 * sync, addWatch, config, ephemerals gone when the session quits) and, for what zkCli cannot do
 * (multi, create2's Stat, containers and TTL nodes being swept, persistent watch removal), the Java
 * program java/InteropSession.java. Every script also runs against Apache ZooKeeper and the
 * normalised transcripts must be equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestId } from '../../src/index.js';
import { killAllProcesses } from './interop/line-process.js';
import { compileInteropSession, runInteropSession, type CompiledProgram } from './interop/java-session.js';
import { connectCoordClient, ephemeralChildren, scenario, startInteropServers, type InteropServers, type Target } from './interop/servers.js';
import { APACHE_REQUIREMENT, locateJdkTool, locateZkCli, toolsPresent, zooKeeperClasspath } from './interop/tools.js';
import { outputOf, type CommandOutput } from './interop/command-output.js';
import { renderZkCli, ZkCli } from './interop/zkcli.js';

const zkCliPath = locateZkCli();
const javac = locateJdkTool('javac');
const java = locateJdkTool('java');
const classpath = zooKeeperClasspath();
const available = toolsPresent('interop tests with zkCli.sh and the Java client', [
  { what: 'zkCli.sh', found: zkCliPath !== undefined, hint: 'apt-get install -y zookeeper, or set ZOOKEEPER_HOME' },
  { what: 'a JDK (java, javac)', found: java !== undefined && javac !== undefined, hint: 'apt-get install -y default-jdk-headless, or set JAVA_HOME' },
  { what: 'the ZooKeeper client jar', found: classpath !== undefined, hint: 'apt-get install -y zookeeper' },
  APACHE_REQUIREMENT(),
]);

const ALICE = digestId('alice', 'secret');
const BOB = digestId('bob', 'bobpw');

/** Session A, part 1: the basic verbs, their options and their error texts. */
const BASIC = [
  'create /zc',
  'create /zc/p pdata',
  'create -e /zc/eph edata',
  'create -s /zc/seq- s1',
  'create -s /zc/seq- s2',
  'create -e -s /zc/eseq- es',
  'create -c /zc/cont cdata',
  'create -t 600000 /zc/ttl tdata',
  'create -s -t 600000 /zc/tseq- tsd',
  'create /zc/p dup',
  'create /zc/nope/child x',
  'create -e /zc/eph/child x',
  'create -c /zc/cont/kid k',
  'stat /zc/ttl',
  'stat /zc/cont',
  'stat /zc/eph',
  'get /zc/p',
  'get -s /zc/p',
  'get /zc/missing',
  'set /zc/p v1',
  'set -v 1 /zc/p v2',
  'set -v 1 /zc/p v3',
  'set -s /zc/p v4',
  'set /zc/missing x',
  'ls /zc',
  'ls -s /zc',
  'ls -R /zc',
  'ls /zc/missing',
  'stat /zc/p',
  'stat /zc/missing',
  'create /zc/d d',
  'delete -v 3 /zc/d',
  'delete -v 0 /zc/d',
  'delete /zc/d',
  'create /zc/tree',
  'create /zc/tree/a',
  'create /zc/tree/a/b',
  'delete /zc/tree',
  'deleteall /zc/tree',
  'ls /zc/tree',
  'getEphemerals /zc',
  'getEphemerals /zc/eph',
  'getEphemerals',
  'getAllChildrenNumber /zc',
  'getAllChildrenNumber /',
  'getAllChildrenNumber /zc/missing',
  'sync /zc',
  'sync /zc/missing',
  'whoami',
  'config',
  'config -s',
  'create /zc/w w0',
  'create /zc/pw p0',
  'create /zc/rw r0',
];

/**
 * Session A, part 2: one-shot watches of each kind and both persistent modes. The recursive one
 * comes first on purpose: zkCli 3.8 keeps one AddWatchCommand object, so an earlier `-m PERSISTENT`
 * would stay in force for a later `addWatch` without -m (a zkCli quirk; both servers see it alike).
 */
const WATCHES = ['get -w /zc/w', 'ls -w /zc/w', 'stat -w /zc/w/new', 'addWatch /zc/rw', 'addWatch -m PERSISTENT /zc/pw'];

/** Session A, part 3: alice authenticates and sets digest, auth and ip ACLs. */
const ACLS = [
  'addauth digest alice:secret',
  'whoami',
  'create /zc/acl adata',
  'setAcl /zc/acl auth::cdrwa',
  'getAcl /zc/acl',
  `create /zc/bob-r b1 digest:${BOB}:r`,
  'getAcl /zc/bob-r',
  'get /zc/bob-r',
  `create /zc/shared s0 digest:${BOB}:r,digest:${ALICE}:cdrwa`,
  'getAcl -s /zc/shared',
  'setAcl -v 5 /zc/acl auth::cdra',
  `setAcl -v 1 /zc/acl digest:${ALICE}:cdrwa,world:anyone:r`,
  'getAcl -s /zc/acl',
  'setAcl /zc/acl bogus:x:r',
  'create /zc/ip-other x ip:10.0.0.1:cdrwa',
  'get /zc/ip-other',
  'create /zc/ip-local x ip:127.0.0.1:cdrwa',
  'get /zc/ip-local',
  'create -e /zc/e1 eph',
  'create -e -s /zc/es- eph',
  'getEphemerals /zc',
];

/** Session B: no credentials, then bob's, then alice's. */
const ANONYMOUS = [
  'whoami',
  'get /zc/shared',
  'ls /zc/shared',
  'stat /zc/shared',
  'getAcl /zc/shared',
  'set /zc/shared x',
  'create /zc/shared/c x',
  'getAllChildrenNumber /zc/shared',
  'get /zc/acl',
  'set /zc/acl x',
  'addauth digest bob:bobpw',
  'whoami',
  'get /zc/shared',
  'getAcl /zc/shared',
  'set /zc/shared x',
  'addauth digest alice:secret',
  'set /zc/shared y',
  'get -s /zc/shared',
  'setAcl /zc/shared world:anyone:cdrwa',
  'getAcl /zc/shared',
];

interface ZkCliRun {
  readonly main: CommandOutput[];
  readonly anonymous: CommandOutput[];
  /** Events after the other client's changes. */
  readonly events: readonly string[];
  /** Events after a second round of changes, in which only the persistent watch may fire. */
  readonly eventsAfterSentinel: readonly string[];
  readonly ephemeralsWhileOpen: readonly string[];
  readonly ephemeralsAfterQuit: readonly string[];
}

async function zkCliSession(target: Target): Promise<ZkCliRun> {
  if (zkCliPath === undefined) throw new Error('zkCli.sh not found');
  const other = await connectCoordClient(target);
  const a = new ZkCli(zkCliPath, target.connectString, `zkCli A (${target.name})`);
  let b: ZkCli | undefined;
  try {
    const main = await a.run(BASIC);
    main.push(...(await a.run(WATCHES)));
    // Another client changes what session A watches.
    await other.setData('/zc/w', 'w1');
    await other.create('/zc/w/new', 'n');
    await other.setData('/zc/pw', 'p1');
    await other.setData('/zc/pw', 'p2');
    await other.create('/zc/rw/a', 'a');
    await other.create('/zc/rw/a/b', 'b');
    const events = await a.waitForEvents(7);
    // One-shot watches are spent: these two changes must not fire; the persistent watch's
    // sentinel event then proves nothing came before it (notifications arrive in order).
    await other.setData('/zc/w', 'w2');
    await other.create('/zc/w/new2', 'n2');
    await other.setData('/zc/pw', 'sentinel');
    const eventsAfterSentinel = (await a.waitForEvents(events.length + 1)).slice(events.length);
    main.push(...(await a.run(ACLS)));

    b = new ZkCli(zkCliPath, target.connectString, `zkCli B (${target.name})`);
    const anonymous = await b.run(ANONYMOUS);
    await b.quit();

    // The script names every ephemeral e*, and no ACL-protected node so (exists needs no
    // permission on Apache ZooKeeper, but the nodes alice locked are best left alone here).
    const named = (name: string): boolean => name.startsWith('e');
    const ephemeralsWhileOpen = await ephemeralChildren(other, '/zc', named);
    await a.quit();
    const ephemeralsAfterQuit = await ephemeralChildren(other, '/zc', named);
    return { main, anonymous, events, eventsAfterSentinel, ephemeralsWhileOpen, ephemeralsAfterQuit };
  } finally {
    a.kill();
    b?.kill();
    await other.close();
  }
}

function render(run: ZkCliRun): string {
  return [
    '## session A',
    ...renderZkCli(run.main),
    '## watch events',
    ...run.events,
    '## after the sentinel',
    ...run.eventsAfterSentinel,
    '## session B',
    ...renderZkCli(run.anonymous),
    `## ephemerals while open: ${run.ephemeralsWhileOpen.join(', ')}`,
    `## ephemerals after quit: ${run.ephemeralsAfterQuit.join(', ')}`,
  ].join('\n');
}

describe.skipIf(!available)('interop: zkCli.sh and the Java client against coord', () => { // requires Apache ZooKeeper; skips only outside CI
  let servers: InteropServers | undefined;
  let program: CompiledProgram | undefined;
  const getServers = (): InteropServers => {
    if (servers === undefined) throw new Error('servers not started');
    return servers;
  };
  const zkCli = scenario(getServers, zkCliSession);
  const javaProgram = scenario(getServers, async (target) => {
    if (java === undefined || program === undefined) throw new Error('InteropSession was not compiled');
    return runInteropSession(java, program, target.connectString, `InteropSession (${target.name})`);
  });

  beforeAll(async () => {
    if (javac === undefined || classpath === undefined) throw new Error('javac or the ZooKeeper jar is missing');
    // The sweeper runs every 100 ms on both servers so container and TTL removal show up quickly.
    const [started, compiled] = await Promise.all([
      startInteropServers({ apache: true, containerCheckIntervalMs: 100 }),
      compileInteropSession(javac, classpath),
    ]);
    servers = started;
    program = compiled;
  });

  afterAll(async () => {
    await killAllProcesses();
    await servers?.stop();
    await program?.remove();
  });

  it('runs a zkCli session against coord: every verb answers as documented', async () => {
    const run = await zkCli.on('coord');
    const main = run.main;
    expect(outputOf(main, 'create -s /zc/seq- s1')).toEqual(['Created /zc/seq-0000000002']);
    expect(outputOf(main, 'create -c /zc/cont cdata')).toEqual(['Created /zc/cont']);
    expect(outputOf(main, 'create -t 600000 /zc/ttl tdata')).toEqual(['Created /zc/ttl']);
    expect(outputOf(main, 'create /zc/p dup')).toEqual(['Node already exists: /zc/p']);
    expect(outputOf(main, 'create /zc/nope/child x')).toEqual(['Node does not exist: /zc/nope/child']);
    expect(outputOf(main, 'create -e /zc/eph/child x')).toEqual(['Ephemerals cannot have children: /zc/eph/child']);
    expect(outputOf(main, 'get /zc/p')).toEqual(['pdata']);
    expect(outputOf(main, 'set -v 1 /zc/p v2')).toEqual([]);
    expect(outputOf(main, 'set -v 1 /zc/p v3')).toEqual(['version No is not valid : /zc/p']);
    expect(outputOf(main, 'set -s /zc/p v4')).toContain('dataVersion = 3');
    expect(outputOf(main, 'ls /zc')).toEqual(['[cont, eph, eseq-0000000004, p, seq-0000000002, seq-0000000003, tseq-0000000007, ttl]']);
    expect(outputOf(main, 'delete -v 3 /zc/d')).toEqual(['version No is not valid : /zc/d']);
    expect(outputOf(main, 'delete -v 0 /zc/d')).toEqual([]);
    expect(outputOf(main, 'delete /zc/tree')).toEqual(['Node not empty: /zc/tree']);
    expect(outputOf(main, 'ls /zc/tree')).toEqual(['Node does not exist: /zc/tree']);
    expect(outputOf(main, 'getAllChildrenNumber /zc')).toEqual(['9']);
    expect(outputOf(main, 'sync /zc')).toEqual(['Sync is OK']);
    expect(outputOf(main, 'getAcl /zc/acl')).toEqual([`'digest,'${ALICE}`, ': cdrwa']);
    expect(outputOf(main, 'get /zc/bob-r')).toEqual(['Insufficient permission : /zc/bob-r']);
    expect(outputOf(main, 'setAcl -v 5 /zc/acl auth::cdra')).toEqual(['version No is not valid : /zc/acl']);
    expect(outputOf(main, `setAcl -v 1 /zc/acl digest:${ALICE}:cdrwa,world:anyone:r`)).toEqual([]);
    expect(outputOf(main, 'setAcl /zc/acl bogus:x:r')).toEqual(['Acl is not valid : /zc/acl']);
    expect(outputOf(main, 'get /zc/ip-other')).toEqual(['Insufficient permission : /zc/ip-other']);
    expect(outputOf(main, 'get /zc/ip-local')).toEqual(['x']);
    expect(outputOf(main, 'whoami')).toEqual(['Auth scheme: User', 'ip: 127.0.0.1']);
    expect([...outputOf(main, 'whoami', 2)].sort()).toEqual(['Auth scheme: User', 'digest: alice', 'ip: 127.0.0.1']);

    expect(run.events).toEqual([
      'NodeDataChanged /zc/w',
      'NodeCreated /zc/w/new',
      'NodeChildrenChanged /zc/w',
      'NodeDataChanged /zc/pw',
      'NodeDataChanged /zc/pw',
      'NodeCreated /zc/rw/a',
      'NodeCreated /zc/rw/a/b',
    ]);
    expect(run.eventsAfterSentinel).toEqual(['NodeDataChanged /zc/pw']);

    const anonymous = run.anonymous;
    expect(outputOf(anonymous, 'get /zc/shared')).toEqual(['Insufficient permission : /zc/shared']);
    expect(outputOf(anonymous, 'set /zc/shared x')).toEqual(['Insufficient permission : /zc/shared']);
    expect(outputOf(anonymous, 'create /zc/shared/c x')).toEqual(['Insufficient permission : /zc/shared/c']);
    expect(outputOf(anonymous, 'get /zc/acl')).toEqual(['adata']);
    expect(outputOf(anonymous, 'set /zc/acl x')).toEqual(['Insufficient permission : /zc/acl']);
    expect(outputOf(anonymous, 'stat /zc/shared')).toContain('dataLength = 2');
    expect(outputOf(anonymous, 'getAcl /zc/shared')).toEqual(['Insufficient permission : /zc/shared']);
    // With READ but not ADMIN, the ACL comes back with the digests hidden.
    expect(outputOf(anonymous, 'getAcl /zc/shared', 2)).toEqual(["'digest,'bob:x", ': r', "'digest,'alice:x", ': cdrwa']);
    expect(outputOf(anonymous, 'set /zc/shared y')).toEqual([]);

    expect(run.ephemeralsWhileOpen).toEqual(['e1', 'eph', 'es-0000000019', 'eseq-0000000004']);
    expect(run.ephemeralsAfterQuit).toEqual([]);
  });

  it('the zkCli transcripts from coord and Apache ZooKeeper are the same', async () => {
    const [coord, apache] = await Promise.all([zkCli.on('coord'), zkCli.on('apache')]);
    expect(render(coord)).toEqual(render(apache));
  });

  it('runs InteropSession.java (multi, create2, containers, TTL, persistent watches) against coord', async () => {
    const transcript = await javaProgram.on('coord');
    expect(transcript).toContain('multi ok -> OK (8 results)');
    expect(transcript).toContain('multi failing check -> BADVERSION');
    expect(transcript).toContain('  NodeDeleted /ij/cont');
    expect(transcript).toContain('  NodeDeleted /ij/ttl-short');
    expect(transcript).toContain('  after removeWatches: PersistentWatchRemoved /ij/w');
    expect(transcript.at(-1)).toBe('DONE');
  });

  it('the InteropSession.java transcripts from coord and Apache ZooKeeper are the same', async () => {
    const [coord, apache] = await Promise.all([javaProgram.on('coord'), javaProgram.on('apache')]);
    expect(coord.join('\n')).toEqual(apache.join('\n'));
  });
});
