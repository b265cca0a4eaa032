import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { KEYS, resolveServerConfig } from '../../../src/config/index.js';
import { flagSettings, keyOptions } from '../../../src/cli/server/flags.js';
import { formatPretty } from '../../../src/cli/server/logger.js';

/** `coord server`'s flags are generated from the key table: one per key, parsed like the file. */
describe('coord server flags', () => {
  function parseArgs(args: string[]) {
    const command = new Command().exitOverride();
    for (const o of keyOptions()) command.addOption(o);
    command.parse(args, { from: 'user' });
    return flagSettings(command.opts(), (flag) => command.options.find((o) => o.long === flag));
  }

  it('has one distinct flag per zoo.cfg key, plus --server', () => {
    const longs = keyOptions().map((o) => o.long);
    expect(new Set(longs).size).toBe(longs.length);
    expect(longs).toEqual([...Object.values(KEYS).map((k) => k.flag), '--server']);
  });

  it('turns flags into settings that carry the zoo.cfg key and the flag', () => {
    expect(parseArgs(['--port', '2182', '--4lw-commands-whitelist', 'ruok,stat', '--force-sync', 'no'])).toEqual([
      { key: 'clientPort', value: '2182', source: { kind: 'flag', flag: '--port' } },
      { key: 'forceSync', value: 'no', source: { kind: 'flag', flag: '--force-sync' } },
      { key: '4lw.commands.whitelist', value: 'ruok,stat', source: { kind: 'flag', flag: '--4lw-commands-whitelist' } },
    ]);
  });

  it('collects repeated --server flags as server.N settings', () => {
    const settings = parseArgs(['--server', '1=a:2888:3888', '--server', '2=b:2888:3888', '--init-limit', '5', '--sync-limit', '2']);
    const { config } = resolveServerConfig(settings, { inMemory: true });
    expect(config.mode).toBe('ensemble');
    expect(config.quorum.servers.map((s) => s.host)).toEqual(['a', 'b']);
    expect(() => resolveServerConfig(parseArgs(['--server', 'nonsense']), { inMemory: true })).toThrow(/^command-line flag --server: server.nonsense: expected server.<id>/);
  });

  it('sets every key from its flag', () => {
    const args = ['--tick-time', '1000', '--data-dir', '/d', '--data-log-dir', '/l', '--port', '1', '--host', 'h', '--max-client-cnxns', '2', '--min-session-timeout', '2000', '--max-session-timeout', '30000',
      '--snap-count', '10', '--pre-alloc-size', '16', '--force-sync', 'no', '--autopurge-snap-retain-count', '4', '--autopurge-purge-interval', '1', '--4lw-commands-whitelist', '*',
      '--admin-enable-server', 'false', '--admin-server-port', '8081', '--admin-server-address', 'a', '--metrics-provider-class-name', 'x.Y', '--metrics-provider-http-port', '7001',
      '--jute-maxbuffer', '4096', '--extended-types-enabled', 'true', '--init-limit', '3', '--sync-limit', '2', '--standalone-enabled', 'true', '--reconfig-enabled', 'true',
      '--super-digest', 'super:D/InIHSb7yEEbrWz8b9l71RjZJU='];
    const settings = parseArgs(args);
    expect(settings.map((s) => s.key).sort()).toEqual(Object.values(KEYS).map((k) => k.key).sort());
    const { config } = resolveServerConfig(settings);
    expect(config).toMatchObject({ tickTimeMs: 1000, client: { port: 1, host: 'h', maxFrameBytes: 4096, fourLetterWords: '*' }, persistence: { dataLogDir: '/l', preAllocSizeKb: 16, forceSync: false } });
  });
});

describe('pretty log format', () => {
  it('shows time, level, message and extra fields', () => {
    const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 1, 12, 0, 1, 234), pid: 1, hostname: 'h', name: 'coord-server', key: 'foo', msg: 'unknown key' });
    expect(formatPretty(line)).toBe('12:00:01.234 WARN  unknown key key=foo\n');
  });

  it('passes through what is not JSON', () => {
    expect(formatPretty('plain')).toBe('plain');
  });
});
