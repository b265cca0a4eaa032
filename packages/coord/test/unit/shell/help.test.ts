import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/shell/commands/index.js';
import { shellHelpText } from '../../../src/cli/shell/help-text.js';
import { findCommand, formatCommandHelp, formatHelp } from '../../../src/cli/shell/help.js';
import { formatPrompt, stateMessage } from '../../../src/cli/shell/prompt.js';
import { usageLine } from '../../../src/cli/shell/syntax.js';

const REQUIRED = [
  'ls [-s] [-R] [-w] path',
  'get [-s] [-w] path',
  'set [-s] [-v version] path data',
  'create [-e] [-s] [-c] [-t ttl] path [data] [acl]',
  'delete [-v version] path',
  'deleteall [-b batch size] path',
  'stat [-w] path',
  'getAcl [-s] path',
  'setAcl [-s] [-v version] [-R] path acl',
  'addauth scheme auth',
  'sync path',
  'addWatch [-m mode] path',
  'whoami',
  'getEphemerals [path]',
  'getAllChildrenNumber path',
  'config [-c] [-w] [-s]',
  'help [command]',
  'quit',
];

describe('the command table', () => {
  it('has zkCli\'s commands with zkCli\'s flags', () => {
    expect(COMMANDS.map((c) => usageLine(c)).sort()).toEqual([...REQUIRED].sort());
  });

  it('has unique names and flag letters per command, and a description for every flag', () => {
    const names = COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])].map((n) => n.toLowerCase()));
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) {
      expect(new Set(c.flags.map((f) => f.letter)).size).toBe(c.flags.length);
      for (const f of c.flags) expect(f.description.length).toBeGreaterThan(5);
      expect(c.summary.length).toBeGreaterThan(5);
    }
  });
});

describe('help', () => {
  it('lists every command with its usage line', () => {
    const text = formatHelp(COMMANDS).join('\n');
    for (const usage of REQUIRED) expect(text).toContain(usage);
    expect(text).toContain('(also: exit)');
  });

  it('explains each flag of one command', () => {
    const ls = findCommand(COMMANDS, 'ls');
    if (ls === undefined) throw new Error('ls is missing');
    const text = formatCommandHelp(ls).join('\n');
    expect(text).toContain('Usage: ls [-s] [-R] [-w] path');
    expect(text).toMatch(/-R\t.*subtree/);
    expect(text).toMatch(/-w\t.*watch/);
  });

  it('finds commands by name or alias, ignoring case', () => {
    expect(findCommand(COMMANDS, 'getacl')?.name).toBe('getAcl');
    expect(findCommand(COMMANDS, 'exit')?.name).toBe('quit');
    expect(findCommand(COMMANDS, 'nope')).toBeUndefined();
  });

  it('documents every command, the modes and the exit codes in --help', () => {
    const text = shellHelpText(COMMANDS);
    for (const usage of REQUIRED) expect(text).toContain(usage);
    expect(text).toMatch(/Exit status:\n\s+0 .*\n(.*\n)*\s+1 .*a command failed/);
    expect(text).toContain('--stop-on-error');
  });
});

describe('prompt and connection notices', () => {
  it('formats the prompt like zkCli\'s', () => {
    expect(formatPrompt('127.0.0.1:2181', 'connected', 0)).toBe('[coord: 127.0.0.1:2181(CONNECTED) 0] ');
    expect(formatPrompt('h:1', 'suspended', 7)).toBe('[coord: h:1(CONNECTING) 7] ');
    expect(formatPrompt('h:1', 'readOnly', 1)).toBe('[coord: h:1(CONNECTEDREADONLY) 1] ');
  });

  it('says something for each state a user should notice, and nothing otherwise', () => {
    const facts = { host: 'h:1', sessionId: 0x1an, negotiatedTimeoutMs: 4000 };
    expect(stateMessage('connected', facts)).toBe('Connected to h:1 (session 0x1a, timeout 4000 ms)');
    expect(stateMessage('suspended', facts)).toMatch(/^Disconnected; reconnecting/);
    expect(stateMessage('reconnected', facts)).toMatch(/^Reconnected to h:1/);
    expect(stateMessage('lost', facts)).toMatch(/^Session expired/);
    expect(stateMessage('readOnly', facts)).toMatch(/READ-ONLY/);
    expect(stateMessage('connecting', facts)).toBeUndefined();
    expect(stateMessage('closed', facts)).toBeUndefined();
  });
});
