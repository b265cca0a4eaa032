/**
 * Apache's C client, through its CLI cli_mt, against coord: create in every mode the CLI offers
 * (+e, +s, +es, +c, +t=ttl, +st=ttl; create and create2), get/set and the versions they report,
 * ls/ls2, exists/wexists, delete, sync, config, watch events (cli_mt's get, ls, ls2 and exists all
 * leave a watch), ephemerals gone when the CLI quits, and digest ACLs enforced until addauth.
 * cli_mt has no multi (multi is covered through the Java client and node-zookeeper-client).
 * The same script runs against Apache ZooKeeper; the normalised transcripts must be equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestAcl, Perms } from '../../src/index.js';
import { CliMt, renderCliMt } from './interop/cli-mt.js';
import { killAllProcesses } from './interop/line-process.js';
import { connectCoordClient, ephemeralChildren, scenario, startInteropServers, type InteropServers, type Target } from './interop/servers.js';
import { APACHE_REQUIREMENT, locateCliMt, toolsPresent } from './interop/tools.js';
import { outputOf, type CommandOutput } from './interop/command-output.js';

const cliMtPath = locateCliMt();
const available = toolsPresent('interop tests with the C client cli_mt', [
  { what: 'cli_mt', found: cliMtPath !== undefined, hint: 'apt-get install -y zookeeper-bin' },
  APACHE_REQUIREMENT(),
]);

/** Session A: the verbs, their modes and error codes, and watches left by reads. */
const BASIC = [
  'create /cm',
  'create /cm/p',
  'create +e /cm/e',
  'create +s /cm/s-',
  'create +s /cm/s-',
  'create +es /cm/es-',
  'create +c /cm/c',
  'create +t=600000 /cm/t',
  'create +st=600000 /cm/ts-',
  'create2 /cm/p2',
  'create2 +e /cm/e2',
  'create2 +c /cm/c2',
  'create2 +t=600000 /cm/t2',
  'create /cm/p',
  'create /cm/none/x',
  'create +e /cm/e/x',
  'create +ec /cm/bad',
  'create +t=0 /cm/bad',
  'create /cm/c/kid',
  'get /cm/p',
  'set /cm/p hello',
  'set /cm/p world',
  'get /cm/p',
  'get /cm/missing',
  'set /cm/missing x',
  'ls /cm',
  'ls2 /cm',
  'ls /cm/missing',
  'exists /cm/p',
  'exists /cm/missing',
  'delete /cm/p2',
  'delete /cm/p2',
  'delete /cm',
  'sync /cm',
  'get /cm/t',
  'get /cm/c',
  'config',
  'create /cm/w',
];

/** Watches on /cm/w of each kind; /cm/sentinel's is fired last to show nothing else came. */
const WATCHES = ['get /cm/w', 'ls /cm/w', 'exists /cm/w/new', 'wexists /cm/sentinel'];

/** Session B: no credentials, a wrong password, then the right one. */
const ACL_SESSION = [
  'get /cm/acl',
  'set /cm/acl x',
  'ls /cm/acl',
  'create /cm/acl/kid',
  'exists /cm/acl',
  'delete /cm/acl/never',
  'get /cm/acl-r',
  'set /cm/acl-r x',
  'addauth digest alice:wrong',
  'get /cm/acl',
  'addauth digest alice:secret',
  'get /cm/acl',
  'set /cm/acl x',
  'create /cm/acl/kid',
  'delete /cm/acl/kid',
];

interface CliMtRun {
  readonly main: CommandOutput[];
  readonly acl: CommandOutput[];
  readonly events: readonly string[];
  readonly ephemeralsWhileOpen: readonly string[];
  readonly ephemeralsAfterQuit: readonly string[];
}

async function cliMtSession(target: Target): Promise<CliMtRun> {
  if (cliMtPath === undefined) throw new Error('cli_mt not found');
  const other = await connectCoordClient(target);
  const a = new CliMt(cliMtPath, target.connectString, `cli_mt A (${target.name})`);
  let b: CliMt | undefined;
  try {
    await a.connected();
    const main = await a.run(BASIC);
    main.push(...(await a.run(WATCHES)));
    const before = a.events().length;
    await other.setData('/cm/w', 'changed');
    await other.create('/cm/w/new', 'n');
    // The get/ls watches are spent: this change must not show; the sentinel's event comes after.
    await other.setData('/cm/w', 'again');
    await other.create('/cm/sentinel', 's');
    const events = await a.waitForEvents(before + 4);

    await other.create('/cm/acl', 'secret-data', { acl: [digestAcl(Perms.ALL, 'alice', 'secret')] });
    await other.create('/cm/acl-r', 'readable', { acl: [digestAcl(Perms.ALL, 'alice', 'secret'), { perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }] });
    b = new CliMt(cliMtPath, target.connectString, `cli_mt B (${target.name})`);
    await b.connected();
    const acl = await b.run(ACL_SESSION);
    await b.quit();

    const named = (name: string): boolean => name.startsWith('e');
    const ephemeralsWhileOpen = await ephemeralChildren(other, '/cm', named);
    await a.quit();
    const ephemeralsAfterQuit = await ephemeralChildren(other, '/cm', named);
    return { main, acl, events, ephemeralsWhileOpen, ephemeralsAfterQuit };
  } finally {
    a.kill();
    b?.kill();
    await other.close();
  }
}

function render(run: CliMtRun): string {
  return [
    '## session A',
    ...renderCliMt(run.main),
    '## watch events',
    ...run.events,
    '## session B',
    ...renderCliMt(run.acl),
    `## ephemerals while open: ${run.ephemeralsWhileOpen.join(', ')}`,
    `## ephemerals after quit: ${run.ephemeralsAfterQuit.join(', ')}`,
  ].join('\n');
}

describe.skipIf(!available)('interop: the C client (cli_mt) against coord', () => { // requires Apache ZooKeeper; skips only outside CI
  let servers: InteropServers | undefined;
  const cli = scenario(() => {
    if (servers === undefined) throw new Error('servers not started');
    return servers;
  }, cliMtSession);

  beforeAll(async () => {
    servers = await startInteropServers({ apache: true });
  });

  afterAll(async () => {
    await killAllProcesses();
    await servers?.stop();
  });

  it('runs a cli_mt session against coord: results, versions, watches, ephemerals, ACLs', async () => {
    const run = await cli.on('coord');
    const main = run.main;
    expect(outputOf(main, 'create /cm/p')).toEqual(['Creating [/cm/p] node (mode: 0)', '[/cm/p]: rc = 0', '\tname = /cm/p']);
    expect(outputOf(main, 'create +es /cm/es-')).toContain('\tname = /cm/es-0000000004');
    expect(outputOf(main, 'create +st=600000 /cm/ts-')).toContain('\tname = /cm/ts-0000000007');
    expect(outputOf(main, 'create /cm/p', 2)).toContain('[/cm/p]: rc = -110');
    expect(outputOf(main, 'create /cm/none/x')).toContain('[/cm/none/x]: rc = -101');
    expect(outputOf(main, 'create +e /cm/e/x')).toContain('[/cm/e/x]: rc = -108');
    expect(outputOf(main, 'set /cm/p world')).toContain('\tversion=2\taversion=0');
    expect(outputOf(main, 'get /cm/p', 2)).toEqual(expect.arrayContaining(['/cm/p: rc = 0', ' value_len = 5', 'world', '\tversion=2\taversion=0']));
    expect(outputOf(main, 'get /cm/missing')).toContain('/cm/missing: rc = -101');
    expect(outputOf(main, 'exists /cm/p')).toEqual([]);
    expect(outputOf(main, 'exists /cm/missing')).toEqual(['Error -101 for /cm/missing']);
    expect(outputOf(main, 'delete /cm/p2', 2)).toEqual(['/cm/p2: rc = -101']);
    expect(outputOf(main, 'delete /cm')).toEqual(['/cm: rc = -111']);

    // Self-inflicted events from the watches cli_mt's reads leave, then the other client's.
    expect(run.events.slice(-4)).toEqual(['CHANGED_EVENT /cm/w', 'CREATED_EVENT /cm/w/new', 'CHILD_EVENT /cm/w', 'CREATED_EVENT /cm/sentinel']);
    expect(run.events.slice(0, 2)).toEqual(['CHANGED_EVENT /cm/p', 'CHILD_EVENT /cm']);

    const acl = run.acl;
    expect(outputOf(acl, 'get /cm/acl')).toContain('/cm/acl: rc = -102');
    expect(outputOf(acl, 'set /cm/acl x')).toContain('/cm/acl: rc = -102 Stat:');
    expect(outputOf(acl, 'create /cm/acl/kid')).toContain('[/cm/acl/kid]: rc = -102');
    expect(outputOf(acl, 'exists /cm/acl')).toEqual([]);
    expect(outputOf(acl, 'get /cm/acl-r')).toContain('/cm/acl-r: rc = 0');
    expect(outputOf(acl, 'set /cm/acl-r x')).toContain('/cm/acl-r: rc = -102 Stat:');
    expect(outputOf(acl, 'get /cm/acl', 2)).toContain('/cm/acl: rc = -102');
    expect(outputOf(acl, 'get /cm/acl', 3)).toEqual(expect.arrayContaining(['/cm/acl: rc = 0', 'secret-data']));
    expect(outputOf(acl, 'create /cm/acl/kid', 2)).toContain('[/cm/acl/kid]: rc = 0');

    expect(run.ephemeralsWhileOpen).toEqual(['e', 'e2', 'es-0000000004']);
    expect(run.ephemeralsAfterQuit).toEqual([]);
  });

  it('the cli_mt transcripts from coord and Apache ZooKeeper are the same', async () => {
    const [coord, apache] = await Promise.all([cli.on('coord'), cli.on('apache')]);
    expect(render(coord)).toEqual(render(apache));
  });
});
