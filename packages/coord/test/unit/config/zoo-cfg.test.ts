import { describe, expect, it } from 'vitest';
import { BadArgumentsError } from '../../../src/errors/index.js';
import { ConfigError, parseZooCfg, PROMETHEUS_METRICS_PROVIDER, resolveServerConfig, type ConfigSetting } from '../../../src/config/index.js';

const FILE = 'conf/zoo.cfg';
const parse = (text: string, inMemory = false) => parseZooCfg(text, { file: FILE, inMemory });
const config = (text: string, inMemory = false) => parse(text, inMemory).config;

/** Runs parse and returns the ConfigError it must throw. */
function configError(text: string, inMemory = false): ConfigError {
  try {
    parse(text, inMemory);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseZooCfg defaults', () => {
  it("applies ZooKeeper 3.8's defaults to a minimal file", () => {
    const { config: c, warnings } = parse('dataDir=/var/lib/zookeeper\n');
    expect(warnings).toEqual([]);
    expect(c).toEqual({
      file: FILE,
      mode: 'standalone',
      tickTimeMs: 3000,
      client: { host: '0.0.0.0', port: 2181, maxConnectionsPerIp: 60, maxFrameBytes: 0xfffff, fourLetterWords: ['srvr'] },
      session: { minTimeoutMs: 6000, maxTimeoutMs: 60000 },
      extendedTypesEnabled: false,
      superDigest: undefined,
      persistence: {
        inMemory: false,
        dataDir: '/var/lib/zookeeper',
        dataLogDir: '/var/lib/zookeeper',
        snapCount: 100000,
        preAllocSizeKb: 65536,
        forceSync: true,
        autopurge: { snapRetainCount: 3, purgeIntervalHours: 0 },
      },
      admin: { enabled: true, host: '0.0.0.0', port: 8080 },
      metrics: { providerClassName: 'org.apache.zookeeper.metrics.impl.DefaultMetricsProvider', prometheusEnabled: false, httpPort: 7000 },
      quorum: { servers: [], initLimitTicks: undefined, syncLimitTicks: undefined, standaloneEnabled: true, reconfigEnabled: false },
    });
  });

  it('derives session timeout defaults from tickTime (2 and 20 ticks)', () => {
    expect(config('tickTime=2000\ndataDir=/d\n').session).toEqual({ minTimeoutMs: 4000, maxTimeoutMs: 40000 });
  });

  it('reads the Debian sample zoo.cfg', () => {
    const c = config('tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=/tmp/zookeeper\nclientPort=2181\n');
    expect(c).toMatchObject({ tickTimeMs: 2000, client: { port: 2181 }, quorum: { initLimitTicks: 10, syncLimitTicks: 5 }, mode: 'standalone' });
  });
});

describe('parseZooCfg keys', () => {
  it('reads every key', () => {
    const c = config(
      [
        'tickTime=1000',
        'dataDir=/data',
        'dataLogDir=/txnlog',
        'clientPort=2282',
        'clientPortAddress=127.0.0.1',
        'maxClientCnxns=0',
        'minSessionTimeout=1500',
        'maxSessionTimeout=90000',
        'snapCount=5000',
        'preAllocSize=1024',
        'forceSync=no',
        'autopurge.snapRetainCount=5',
        'autopurge.purgeInterval=24',
        '4lw.commands.whitelist=ruok, srvr,mntr',
        'admin.enableServer=false',
        'admin.serverPort=9090',
        'admin.serverAddress=127.0.0.2',
        `metricsProvider.className=${PROMETHEUS_METRICS_PROVIDER}`,
        'metricsProvider.httpPort=7001',
        'jute.maxbuffer=0x200000',
        'extendedTypesEnabled=true',
        'initLimit=10',
        'syncLimit=5',
        'standaloneEnabled=true',
        'reconfigEnabled=true',
        'DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=',
      ].join('\n'),
    );
    expect(c).toEqual({
      file: FILE,
      mode: 'standalone',
      tickTimeMs: 1000,
      client: { host: '127.0.0.1', port: 2282, maxConnectionsPerIp: 0, maxFrameBytes: 0x200000, fourLetterWords: ['ruok', 'srvr', 'mntr'] },
      session: { minTimeoutMs: 1500, maxTimeoutMs: 90000 },
      extendedTypesEnabled: true,
      superDigest: 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=',
      persistence: { inMemory: false, dataDir: '/data', dataLogDir: '/txnlog', snapCount: 5000, preAllocSizeKb: 1024, forceSync: false, autopurge: { snapRetainCount: 5, purgeIntervalHours: 24 } },
      admin: { enabled: false, host: '127.0.0.2', port: 9090 },
      metrics: { providerClassName: PROMETHEUS_METRICS_PROVIDER, prometheusEnabled: true, httpPort: 7001 },
      quorum: { servers: [], initLimitTicks: 10, syncLimitTicks: 5, standaloneEnabled: true, reconfigEnabled: true },
    });
  });

  it('keeps preAllocSize in kilobytes, as ZooKeeper reads it', () => {
    expect(config('dataDir=/d\npreAllocSize=65536\n').persistence.preAllocSizeKb).toBe(65536);
  });

  it('accepts * and dedupes in the four-letter word whitelist', () => {
    expect(config('dataDir=/d\n4lw.commands.whitelist=*\n').client.fourLetterWords).toBe('*');
    expect(config('dataDir=/d\n4lw.commands.whitelist=stat, ruok, stat\n').client.fourLetterWords).toEqual(['stat', 'ruok']);
    expect(config('dataDir=/d\n4lw.commands.whitelist=\n').client.fourLetterWords).toEqual([]);
  });

  it('reads booleans in any case and forceSync as yes/no', () => {
    expect(config('dataDir=/d\nextendedTypesEnabled=TRUE\nforceSync=YES\n')).toMatchObject({ extendedTypesEnabled: true, persistence: { forceSync: true } });
  });

  it('accepts port 0 for clientPort (any free port)', () => {
    expect(config('dataDir=/d\nclientPort=0\n').client.port).toBe(0);
  });

  it('lets a later line win and warns about the earlier one', () => {
    const { config: c, warnings } = parse('dataDir=/d\nclientPort=1\nclientPort=2\n');
    expect(c.client.port).toBe(2);
    expect(warnings.map((w) => w.message)).toEqual([`${FILE}:3: clientPort: set again; this line wins over line 2`]);
  });

  it('in memory: dataDir optional, and ignored with a warning when given', () => {
    expect(config('', true).persistence).toMatchObject({ inMemory: true, dataDir: undefined, dataLogDir: undefined });
    const { config: c, warnings } = parse('dataDir=/d\n', true);
    expect(c.persistence.dataDir).toBeUndefined();
    expect(warnings[0]?.message).toBe(`${FILE}:1: dataDir: ignored: --in-memory keeps everything in memory`);
  });
});

describe('parseZooCfg server.N', () => {
  it('keeps server lines sorted by id and runs an ensemble with more than one voter', () => {
    const c = config('dataDir=/d\ninitLimit=10\nsyncLimit=5\nserver.2=b:2888:3888\nserver.1=a:2888:3888\nserver.3=c:2888:3888:observer\n');
    expect(c.mode).toBe('ensemble');
    expect(c.quorum.servers.map((s) => [s.id, s.host, s.role])).toEqual([[1, 'a', 'participant'], [2, 'b', 'participant'], [3, 'c', 'observer']]);
  });

  it('runs a single server line standalone, unless standaloneEnabled=false', () => {
    const single = parse('dataDir=/d\nserver.1=a:2888:3888\n');
    expect(single.config.mode).toBe('standalone');
    expect(single.warnings[0]?.message).toMatch(/conf\/zoo.cfg:2: server.1: only one server/);
    expect(config('dataDir=/d\ninitLimit=5\nsyncLimit=2\nstandaloneEnabled=false\nserver.1=a:2888:3888\n').mode).toBe('ensemble');
  });

  it('requires initLimit and syncLimit for an ensemble', () => {
    const err = configError('dataDir=/d\nsyncLimit=5\nserver.1=a:1:2\nserver.2=b:1:2\n');
    expect(err.key).toBe('initLimit');
    expect(err.message).toMatch(/^conf\/zoo.cfg: initLimit: is not set; .*server.N/);
    expect(configError('dataDir=/d\ninitLimit=5\nserver.1=a:1:2\nserver.2=b:1:2\n').key).toBe('syncLimit');
  });

  it('refuses observers without participants and bad lines, naming the line', () => {
    expect(configError('dataDir=/d\nserver.1=a:1:2:observer\n').message).toMatch(/^conf\/zoo.cfg:2: server.1: observers without participants/);
    expect(configError('dataDir=/d\nserver.1=a:1:2\nserver.x=b:1:2\n').message).toMatch(/^conf\/zoo.cfg:3: server.x: expected server.<id> with id 1..254/);
    expect(configError('dataDir=/d\nserver.1=a:1\n').message).toMatch(/^conf\/zoo.cfg:2: server.1: expected host:quorumPort:electionPort/);
  });
});

describe('parseZooCfg errors name file, line and key', () => {
  it.each([
    ['tickTime=abc', 'tickTime', /expected an integer >= 1 \(milliseconds\), got "abc"/],
    ['tickTime=0', 'tickTime', /expected an integer >= 1/],
    ['tickTime=', 'tickTime', /got an empty value/],
    ['clientPort=65536', 'clientPort', /expected an integer 0\.\.65535/],
    ['clientPortAddress=a b', 'clientPortAddress', /expected a host name or IP address/],
    ['maxClientCnxns=-1', 'maxClientCnxns', /expected an integer >= 0/],
    ['minSessionTimeout=1.5', 'minSessionTimeout', /expected an integer/],
    ['maxSessionTimeout=1e5', 'maxSessionTimeout', /expected an integer/],
    ['snapCount=many', 'snapCount', /expected an integer/],
    ['preAllocSize=64M', 'preAllocSize', /kilobytes/],
    ['forceSync=true', 'forceSync', /expected yes or no, got "true"/],
    ['autopurge.snapRetainCount=x', 'autopurge.snapRetainCount', /expected an integer/],
    ['autopurge.purgeInterval=-1', 'autopurge.purgeInterval', /expected an integer >= 0 \(hours\)/],
    ['4lw.commands.whitelist=ruok,bogus', '4lw.commands.whitelist', /unknown "bogus"/],
    ['admin.enableServer=yes', 'admin.enableServer', /expected true or false, got "yes"/],
    ['admin.serverPort=http', 'admin.serverPort', /TCP port/],
    ['admin.serverAddress=', 'admin.serverAddress', /host name or IP/],
    ['metricsProvider.className=not a class', 'metricsProvider.className', /Java class name/],
    ['metricsProvider.httpPort=99999', 'metricsProvider.httpPort', /0\.\.65535/],
    ['jute.maxbuffer=0xZZ', 'jute.maxbuffer', /bytes/],
    ['extendedTypesEnabled=1', 'extendedTypesEnabled', /true or false/],
    ['initLimit=0', 'initLimit', /ticks/],
    ['syncLimit=x', 'syncLimit', /ticks/],
    ['standaloneEnabled=maybe', 'standaloneEnabled', /true or false/],
    ['reconfigEnabled=on', 'reconfigEnabled', /true or false/],
    ['DigestAuthenticationProvider.superDigest=super:password', 'DigestAuthenticationProvider.superDigest', /base64-sha1-digest/],
    ['dataLogDir=', 'dataLogDir', /directory path/],
  ])('%s', (line, key, expected) => {
    const err = configError(`# a comment\ndataDir=/d\n${line}\n`);
    expect(err).toBeInstanceOf(BadArgumentsError);
    expect(err.key).toBe(key);
    expect(err.line).toBe(3);
    expect(err.message.startsWith(`${FILE}:3: ${key}: `)).toBe(true);
    expect(err.message).toMatch(expected);
  });

  it('refuses minSessionTimeout > maxSessionTimeout, blaming the min line', () => {
    const err = configError('dataDir=/d\nminSessionTimeout=9000\nmaxSessionTimeout=8000\n');
    expect(err.message).toBe(`${FILE}:2: minSessionTimeout: minSessionTimeout 9000 ms must not be larger than maxSessionTimeout 8000 ms`);
  });

  it('refuses a maxSessionTimeout below the derived minimum', () => {
    const err = configError('tickTime=2000\ndataDir=/d\nmaxSessionTimeout=3000\n');
    expect(err.message).toBe(`${FILE}:3: maxSessionTimeout: minSessionTimeout 4000 ms (2 x tickTime) must not be larger than maxSessionTimeout 3000 ms`);
  });

  it('requires dataDir unless in memory', () => {
    const err = configError('tickTime=2000\n');
    expect(err.key).toBe('dataDir');
    expect(err.line).toBeUndefined();
    expect(err.message).toMatch(/^conf\/zoo.cfg: dataDir: is not set; .*--in-memory/);
    expect(configError('dataLogDir=/l\n').message).toMatch(/^conf\/zoo.cfg:1: dataDir: is not set/);
  });

  it('reports a properties syntax error with its line', () => {
    expect(configError('dataDir=/d\n\nfoo=\\u00\n').message).toMatch(/^conf\/zoo.cfg:3: \(syntax\): malformed \\uxxxx escape/);
  });
});

describe('parseZooCfg warnings', () => {
  it('names unknown keys and their lines', () => {
    const { warnings } = parse('dataDir=/d\ntickTim=2000\n\nTickTime=1\n');
    expect(warnings.map((w) => [w.key, w.source])).toEqual([
      ['tickTim', { kind: 'file', file: FILE, line: 2 }],
      ['TickTime', { kind: 'file', file: FILE, line: 4 }],
    ]);
    expect(warnings[0]?.message).toBe(`${FILE}:2: tickTim: unknown key; ignored (check the spelling: keys are case-sensitive)`);
  });

  it('tells ZooKeeper settings coord does not support yet apart from typos', () => {
    const { warnings } = parse('dataDir=/d\nsecureClientPort=2281\nquorum.auth.enableSasl=true\n');
    expect(warnings.map((w) => w.message)).toEqual([
      `${FILE}:2: secureClientPort: a ZooKeeper setting coord does not support yet; ignored`,
      `${FILE}:3: quorum.auth.enableSasl: a ZooKeeper setting coord does not support yet; ignored`,
    ]);
  });

  it('accepts zookeeper.-prefixed spellings with a warning that Apache would ignore them', () => {
    const { config: c, warnings } = parse('dataDir=/d\nzookeeper.extendedTypesEnabled=true\nzookeeper.DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=\n');
    expect(c.extendedTypesEnabled).toBe(true);
    expect(c.superDigest).toBe('super:D/InIHSb7yEEbrWz8b9l71RjZJU=');
    expect(warnings.map((w) => w.message)).toEqual([
      `${FILE}:2: zookeeper.extendedTypesEnabled: Apache ZooKeeper reads this key from zoo.cfg without the "zookeeper." prefix (it would ignore this line); coord accepts it, but prefer "extendedTypesEnabled"`,
      `${FILE}:3: zookeeper.DigestAuthenticationProvider.superDigest: Apache ZooKeeper reads this key from zoo.cfg without the "zookeeper." prefix (it would ignore this line); coord accepts it, but prefer "DigestAuthenticationProvider.superDigest"`,
    ]);
  });

  it('clamps snapRetainCount below 3 and snapCount below 2, as ZooKeeper does', () => {
    const { config: c, warnings } = parse('dataDir=/d\nautopurge.snapRetainCount=1\nsnapCount=1\n');
    expect(c.persistence.autopurge.snapRetainCount).toBe(3);
    expect(c.persistence.snapCount).toBe(2);
    expect(warnings.map((w) => w.source)).toEqual([{ kind: 'file', file: FILE, line: 3 }, { kind: 'file', file: FILE, line: 2 }]);
  });

  it('warns that metricsProvider.httpPort needs the Prometheus provider', () => {
    expect(parse('dataDir=/d\nmetricsProvider.httpPort=7001\n').warnings[0]?.message).toMatch(/^conf\/zoo.cfg:2: metricsProvider.httpPort: only used with metricsProvider.className=/);
  });
});

describe('resolveServerConfig with overrides', () => {
  const flag = (key: string, value: string, name: string): ConfigSetting => ({ key, value, source: { kind: 'flag', flag: name } });

  it('lets flags override the file without a duplicate warning', () => {
    const { config: c, warnings } = parseZooCfg('dataDir=/d\nclientPort=2181\n', { file: FILE, overrides: [flag('clientPort', '2182', '--port')] });
    expect(c.client.port).toBe(2182);
    expect(warnings).toEqual([]);
  });

  it('names the flag in errors', () => {
    expect(() => resolveServerConfig([flag('tickTime', 'fast', '--tick-time')], { inMemory: true })).toThrow('command-line flag --tick-time: tickTime: expected an integer >= 1 (milliseconds), got "fast"');
  });

  it('works without any file (file undefined, messages say command line)', () => {
    expect(resolveServerConfig([], { inMemory: true }).config.file).toBeUndefined();
    expect(() => resolveServerConfig([])).toThrow(/^command line: dataDir: is not set/);
  });
});
