/**
 * Every four-letter word through a raw socket against coord, the whitelist as ZooKeeper applies
 * it, and each answer's shape against Apache ZooKeeper 3.8's for the same state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type CoordClient } from '../../src/index.js';
import { FOUR_LETTER_WORDS } from '../../src/server/four-letter-words.js';
import { apacheZooKeeperAvailable, fourLetterWord, startApacheZooKeeper, startServer, type ApacheZooKeeper, type CoordServer } from '../../src/testing/index.js';
import { distinctShapes, keysOf, shapeLines } from '../unit/admin/four-letter-shape.js';

const available = apacheZooKeeperAvailable();
if (!available) {
  if (process.env['CI'] === 'true') throw new Error('Apache ZooKeeper is required in CI: apt-get install -y zookeeper');
  console.warn('SKIPPING the Apache comparison of four-letter words: Apache ZooKeeper not installed');
}

/** One session with an ephemeral node, data watches on three paths and a child watch. */
async function populate(client: CoordClient): Promise<void> {
  await client.create('/a', 'hello');
  await client.create('/a/e', 'x', { mode: 'EPHEMERAL' });
  await client.getData('/a', { watch: () => undefined });
  await client.getChildren('/a', { watch: () => undefined });
  await client.exists('/missing', { watch: () => undefined });
  await client.getData('/a/e', { watch: () => undefined });
}

interface Target {
  readonly host: string;
  readonly port: number;
}

const ask = (t: Target, word: string) => fourLetterWord(t.host, t.port, word);

describe('four-letter words on coord', () => {
  let server: CoordServer;
  let client: CoordClient;

  beforeAll(async () => {
    server = await startServer({ fourLetterWords: '*' });
    client = createClient(server.connectString);
    await client.waitForConnected();
    await populate(client);
  });

  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  it('answers every word', async () => {
    for (const word of FOUR_LETTER_WORDS) {
      const answer = await ask(server, word);
      if (word !== 'hash') expect(answer, word).not.toBe('');
    }
  });

  it('ruok, isro, gtmk, crst, srst', async () => {
    expect(await ask(server, 'ruok')).toBe('imok');
    expect(await ask(server, 'isro')).toBe('rw');
    expect(await ask(server, 'gtmk')).toBe('306');
    expect(await ask(server, 'crst')).toBe('Connection stats reset.\n');
    expect(await ask(server, 'srst')).toBe('Server stats reset.\n');
    expect(await ask(server, 'srvr')).toMatch(/\nReceived: 0\nSent: 0\n/);
  });

  it('srvr, stat and mntr report the tree', async () => {
    expect(await ask(server, 'srvr')).toMatch(/^Zookeeper version: 3\.8\.0-coordlab.*\nLatency min\/avg\/max: \d+\/[\d.]+\/\d+\nReceived: \d+\nSent: \d+\nConnections: 2\nOutstanding: 0\nZxid: 0x[0-9a-f]+\nMode: standalone\nNode count: 7\n$/);
    expect(await ask(server, 'stat')).toMatch(/\nClients:\n( \/127\.0\.0\.1:\d+\[1\]\(queued=0,recved=\d+,sent=\d+\)\n){2}\nLatency/);
    const mntr = new Map((await ask(server, 'mntr')).trimEnd().split('\n').map((l) => l.split('\t') as [string, string]));
    expect(mntr.get('zk_znode_count')).toBe('7');
    expect(mntr.get('zk_ephemerals_count')).toBe('1');
    expect(mntr.get('zk_watch_count')).toBe('4');
    expect(mntr.get('zk_global_sessions')).toBe('1');
    expect(mntr.get('zk_approximate_data_size')).toBe(String(server.core.tree.approximateDataSize));
  });

  it('cons, dump and the watch listings', async () => {
    expect(await ask(server, 'cons')).toMatch(/^ \/127\.0\.0\.1:\d+\[1\]\(queued=0,recved=\d+,sent=\d+,sid=0x[0-9a-f]+,lop=\w+,est=\d+,to=\d+,lzxid=0x[0-9a-f]+,lresp=\d+,llat=\d+,minlat=\d+,avglat=\d+,maxlat=\d+\)\n/);
    expect(await ask(server, 'wchs')).toBe('1 connections watching 3 paths\nTotal watches:3\n');
    expect(await ask(server, 'wchc')).toMatch(/^0x[0-9a-f]+\n\t\/a\n\t\/missing\n\t\/a\/e\n\n$/);
    expect(await ask(server, 'wchp')).toMatch(/^\/a\n\t0x[0-9a-f]+\n\/missing\n\t0x[0-9a-f]+\n\/a\/e\n\t0x[0-9a-f]+\n\n$/);
    const dump = await ask(server, 'dump');
    expect(dump).toContain('Sessions with Ephemerals (1):\n');
    expect(dump).toMatch(/\n0x[0-9a-f]+:\n\t\/a\/e\n/);
  });

  it('gates words by the whitelist as ZooKeeper: srvr always, others only when listed', async () => {
    const defaults = await startServer();
    const listed = await startServer({ fourLetterWords: ['ruok'] });
    try {
      expect(await ask(defaults, 'ruok')).toBe('ruok is not executed because it is not in the whitelist.\n');
      expect(await ask(defaults, 'mntr')).toBe('mntr is not executed because it is not in the whitelist.\n');
      expect(await ask(defaults, 'srvr')).toMatch(/^Zookeeper version: /);
      expect(await ask(listed, 'ruok')).toBe('imok');
      expect(await ask(listed, 'srvr')).toMatch(/^Zookeeper version: /);
      expect(await ask(listed, 'cons')).toBe('cons is not executed because it is not in the whitelist.\n');
    } finally {
      await defaults.stop();
      await listed.stop();
    }
  });
});

describe.skipIf(!available)('four-letter words: coord against Apache ZooKeeper', () => { // requires Apache ZooKeeper; skips only outside CI
  let zk: ApacheZooKeeper;
  let server: CoordServer;
  const clients: CoordClient[] = [];
  const answers = new Map<string, [string, string]>();

  beforeAll(async () => {
    [zk, server] = await Promise.all([startApacheZooKeeper(), startServer({ fourLetterWords: '*' })]);
    for (const target of [zk, server]) {
      const client = createClient(target.connectString);
      clients.push(client);
      await client.waitForConnected();
      await populate(client);
    }
    // Resets last, so the other answers describe the same state on both servers.
    const words = [...FOUR_LETTER_WORDS.filter((w) => w !== 'crst' && w !== 'srst'), 'crst', 'srst'];
    for (const word of words) answers.set(word, [await ask(zk, word), await ask(server, word)]);
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await Promise.all([zk?.stop(), server?.stop()]);
  });

  const pair = (word: string): [string, string] => answers.get(word) ?? ['missing', 'missing'];

  it.each(['ruok', 'isro', 'gtmk', 'hash', 'crst', 'srst'])('%s answers exactly as Apache', (word) => {
    const [apache, coord] = pair(word);
    expect(coord).toBe(apache);
  });

  it.each(['srvr', 'wchs', 'dirs'])('%s has Apache line shapes, in order', (word) => {
    const [apache, coord] = pair(word);
    expect(shapeLines(coord)).toEqual(shapeLines(apache));
  });

  it.each(['stat', 'cons', 'wchc', 'wchp'])('%s has the same lines as Apache, in any order', (word) => {
    const [apache, coord] = pair(word);
    expect(shapeLines(coord).sort()).toEqual(shapeLines(apache).sort());
  });

  it('dump has the same kinds of lines, in the same order of first appearance', () => {
    const [apache, coord] = pair('dump');
    expect(distinctShapes(coord)).toEqual(distinctShapes(apache));
  });

  it('conf and envi have the same keys in the same order', () => {
    expect(keysOf(pair('conf')[1], '=')).toEqual(keysOf(pair('conf')[0], '='));
    expect(keysOf(pair('envi')[1], '=')).toEqual(keysOf(pair('envi')[0], '='));
  });

  it('mntr: Apache keys only, the server gauges in its order, the same tree values', () => {
    const [apache, coord] = pair('mntr').map((text) => new Map(text.trimEnd().split('\n').map((l) => l.split('\t') as [string, string])));
    if (apache === undefined || coord === undefined) throw new Error('no mntr');
    expect([...coord.keys()].filter((k) => !apache.has(k))).toEqual([]);
    expect([...coord.keys()].slice(0, 26)).toEqual([...apache.keys()].slice(0, 26));
    for (const key of ['zk_znode_count', 'zk_ephemerals_count', 'zk_watch_count', 'zk_global_sessions', 'zk_approximate_data_size', 'zk_server_state']) {
      expect(coord.get(key), key).toBe(apache.get(key));
    }
    for (const [key, value] of coord) if (key !== 'zk_version' && key !== 'zk_server_state') expect(value, key).toMatch(/^-?\d+(\.\d+)?(E-?\d+)?$/);
  });
});
