import type { AddWatchModeName } from '../../../client/types.js';
import { findCommand, formatCommandHelp, formatHelp } from '../help.js';
import { QUIT, type CommandSpec } from '../spec.js';
import { UsageError } from '../usage-error.js';

const WATCH_MODES: readonly AddWatchModeName[] = ['PERSISTENT', 'PERSISTENT_RECURSIVE'];

export const addauth: CommandSpec = {
  name: 'addauth',
  flags: [],
  args: [{ name: 'scheme' }, { name: 'auth' }],
  summary: 'authenticate this session, e.g. addauth digest user:password',
  async run(ctx, { positionals: [scheme = '', auth = ''] }) {
    await ctx.client.addAuth(scheme, auth);
  },
};

export const sync: CommandSpec = {
  name: 'sync',
  flags: [],
  args: [{ name: 'path' }],
  summary: 'wait until the connected server has caught up with the leader; prints Sync is OK',
  async run(ctx, { positionals: [path = ''] }) {
    await ctx.client.sync(path, { signal: ctx.signal });
    ctx.io.out('Sync is OK');
  },
};

export const addWatch: CommandSpec = {
  name: 'addWatch',
  flags: [{ letter: 'm', value: 'mode', description: 'PERSISTENT (the node, and its children list) or PERSISTENT_RECURSIVE (the whole subtree; the default)' }],
  args: [{ name: 'path' }],
  summary: 'add a persistent watch; its events print as WATCHER:: lines until the shell exits',
  async run(ctx, { values, positionals: [path = ''] }) {
    const given = values.get('m') ?? 'PERSISTENT_RECURSIVE';
    const mode = WATCH_MODES.find((m) => m === given.toUpperCase());
    if (mode === undefined) throw new UsageError(`mode must be one of ${WATCH_MODES.join(', ')}, got ${JSON.stringify(given)}`);
    await ctx.client.addWatch(path, mode, ctx.watcher, { signal: ctx.signal });
  },
};

export const whoami: CommandSpec = {
  name: 'whoami',
  flags: [],
  args: [],
  summary: 'print the identities this session is authenticated as',
  async run(ctx) {
    const infos = await ctx.client.whoAmI({ signal: ctx.signal });
    ctx.io.out('Auth scheme: User');
    for (const info of infos) ctx.io.out(`${info.scheme}: ${info.user}`);
  },
};

export const help: CommandSpec = {
  name: 'help',
  flags: [],
  args: [{ name: 'command', optional: true }],
  summary: 'list the commands, or explain one',
  run(ctx, { positionals: [name] }) {
    if (name === undefined) {
      for (const line of formatHelp(ctx.commands)) ctx.io.out(line);
      return Promise.resolve();
    }
    const command = findCommand(ctx.commands, name);
    if (command === undefined) throw new UsageError(`no command ${JSON.stringify(name)}; type help for the list`);
    for (const line of formatCommandHelp(command)) ctx.io.out(line);
    return Promise.resolve();
  },
};

export const quit: CommandSpec = {
  name: 'quit',
  aliases: ['exit'],
  flags: [],
  args: [],
  summary: 'close the session and leave the shell',
  run() {
    return Promise.resolve(QUIT);
  },
};
