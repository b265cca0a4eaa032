import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/shell/commands/index.js';
import { runLine, type ShellEnv } from '../../../src/cli/shell/runner.js';
import type { CoordClient } from '../../../src/client/client.js';
import type { NodeData, WatchOptions } from '../../../src/client/types.js';
import { NoNodeError } from '../../../src/errors/errors.js';

/** A client with just the calls these tests make; the rest of the shell never sees the difference. */
class FakeClient {
  readonly calls: string[] = [];
  getData(path: string, options: WatchOptions = {}): Promise<NodeData> {
    this.calls.push(`getData ${path}${options.watch === undefined ? '' : ' +watch'}`);
    if (path !== '/a') return Promise.reject(new NoNodeError({ path }));
    return Promise.resolve({ data: new TextEncoder().encode('hello'), stat: { czxid: 1n, mzxid: 1n, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 5, numChildren: 0, pzxid: 1n } });
  }
}

function shell() {
  const out: string[] = [];
  const err: string[] = [];
  const client = new FakeClient();
  const env: ShellEnv = {
    client: client as unknown as CoordClient,
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    watcher: () => undefined,
    commands: COMMANDS,
    timeZone: 'UTC',
  };
  const run = (line: string, prefix?: string) => runLine(env, line, new AbortController().signal, prefix);
  return { out, err, client, run };
}

describe('runLine', () => {
  it('skips blank lines and comments', async () => {
    const s = shell();
    expect(await s.run('   ')).toBe('skipped');
    expect(await s.run('# get /a')).toBe('skipped');
    expect(s.out).toEqual([]);
    expect(s.err).toEqual([]);
  });

  it('runs a command and prints its output on stdout', async () => {
    const s = shell();
    expect(await s.run('get -s -w /a')).toBe('ok');
    expect(s.client.calls).toEqual(['getData /a +watch']);
    expect(s.out[0]).toBe('hello');
    expect(s.out).toContain('ctime = Thu Jan 01 00:00:00 UTC 1970');
    expect(s.err).toEqual([]);
  });

  it('prints a failed call as one line on stderr, with the prefix', async () => {
    const s = shell();
    expect(await s.run('get /missing', 'line 4: ')).toBe('failed');
    expect(s.err).toEqual(['line 4: Node does not exist: /missing (NONODE)']);
    expect(s.out).toEqual([]);
  });

  it('prints the usage after a usage error, without calling the server', async () => {
    const s = shell();
    expect(await s.run('get -x /a')).toBe('failed');
    expect(s.err).toEqual(['get: unknown flag -x', 'Usage: get [-s] [-w] path']);
    expect(await s.run('get "/a')).toBe('failed');
    expect(s.err[2]).toBe('unterminated " quote');
    expect(s.client.calls).toEqual([]);
  });

  it('reports unknown commands', async () => {
    const s = shell();
    expect(await s.run('frobnicate /a')).toBe('failed');
    expect(s.err).toEqual(['Command not found: frobnicate (type help for the list)']);
  });

  it('ends the shell on quit and exit', async () => {
    const s = shell();
    expect(await s.run('quit')).toBe('quit');
    expect(await s.run('exit')).toBe('quit');
    expect(await s.run('quit now')).toBe('failed');
  });

  it('prints help for all commands and for one', async () => {
    const s = shell();
    expect(await s.run('help')).toBe('ok');
    expect(s.out.join('\n')).toContain('setAcl [-s] [-v version] [-R] path acl');
    s.out.length = 0;
    expect(await s.run('help create')).toBe('ok');
    expect(s.out.join('\n')).toMatch(/-t ttl\t/);
    expect(await s.run('help nothing')).toBe('failed');
  });
});
