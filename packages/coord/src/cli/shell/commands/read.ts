import type { Stat } from '../../../client/types.js';
import { NoNodeError } from '../../../errors/errors.js';
import { formatAcl } from '../acl.js';
import { clientConfigString, formatJavaList } from '../messages.js';
import type { CommandSpec, ShellContext } from '../spec.js';
import { formatStat } from '../stat-format.js';
import { listSubtree } from './tree.js';

const decoder = new TextDecoder();

export function printStat(ctx: ShellContext, stat: Stat): void {
  for (const line of formatStat(stat, ctx.timeZone)) ctx.io.out(line);
}

/** `{ signal }`, plus the shell's watcher when `-w` was given. */
function readOptions(ctx: ShellContext, watch: boolean) {
  return watch ? { signal: ctx.signal, watch: ctx.watcher } : { signal: ctx.signal };
}

const S_STAT = { letter: 's', description: 'also print the node\'s stat' } as const;

export const ls: CommandSpec = {
  name: 'ls',
  flags: [S_STAT, { letter: 'R', description: 'list the whole subtree, one path per line (depth-first)' }, { letter: 'w', description: 'set a child watch (on every node with -R)' }],
  args: [{ name: 'path' }],
  summary: 'list the children of a node, sorted: [a, b]',
  async run(ctx, { flags, positionals: [path = ''] }) {
    const options = readOptions(ctx, flags.has('w'));
    if (flags.has('R')) {
      for (const p of await listSubtree(ctx.client, path, options)) ctx.io.out(p);
      return;
    }
    if (flags.has('s')) {
      const { children, stat } = await ctx.client.getChildrenWithStat(path, options);
      ctx.io.out(formatJavaList([...children].sort()));
      printStat(ctx, stat);
      return;
    }
    ctx.io.out(formatJavaList([...(await ctx.client.getChildren(path, options))].sort()));
  },
};

export const get: CommandSpec = {
  name: 'get',
  flags: [S_STAT, { letter: 'w', description: 'set a data watch' }],
  args: [{ name: 'path' }],
  summary: 'print the data of a node (as UTF-8 text)',
  async run(ctx, { flags, positionals: [path = ''] }) {
    const { data, stat } = await ctx.client.getData(path, readOptions(ctx, flags.has('w')));
    ctx.io.out(decoder.decode(data));
    if (flags.has('s')) printStat(ctx, stat);
  },
};

export const stat: CommandSpec = {
  name: 'stat',
  flags: [{ letter: 'w', description: 'set a watch (fires NodeCreated if the node does not exist yet)' }],
  args: [{ name: 'path' }],
  summary: 'print the stat of a node',
  async run(ctx, { flags, positionals: [path = ''] }) {
    const result = await ctx.client.exists(path, readOptions(ctx, flags.has('w')));
    if (result === null) throw new NoNodeError({ path });
    printStat(ctx, result);
  },
};

export const getAcl: CommandSpec = {
  name: 'getAcl',
  flags: [S_STAT],
  args: [{ name: 'path' }],
  summary: 'print the ACL of a node, as zkCli does: \'scheme,\'id then : perms',
  async run(ctx, { flags, positionals: [path = ''] }) {
    const { acl, stat: nodeStat } = await ctx.client.getACL(path, { signal: ctx.signal });
    for (const line of formatAcl(acl)) ctx.io.out(line);
    if (flags.has('s')) printStat(ctx, nodeStat);
  },
};

export const getEphemerals: CommandSpec = {
  name: 'getEphemerals',
  flags: [],
  args: [{ name: 'path', optional: true }],
  summary: 'list this session\'s ephemeral nodes whose path starts with path (default /)',
  async run(ctx, { positionals: [path = '/'] }) {
    ctx.io.out(formatJavaList([...(await ctx.client.getEphemerals(path, { signal: ctx.signal }))].sort()));
  },
};

export const getAllChildrenNumber: CommandSpec = {
  name: 'getAllChildrenNumber',
  flags: [],
  args: [{ name: 'path' }],
  summary: 'print the number of all descendants of a node',
  async run(ctx, { positionals: [path = ''] }) {
    ctx.io.out(String(await ctx.client.getAllChildrenNumber(path, { signal: ctx.signal })));
  },
};

export const config: CommandSpec = {
  name: 'config',
  flags: [
    { letter: 'c', description: 'print only the client view: version and client addresses' },
    { letter: 'w', description: 'set a data watch on /zookeeper/config' },
    S_STAT,
  ],
  args: [],
  summary: 'print the ensemble configuration (/zookeeper/config; empty on a standalone server)',
  async run(ctx, { flags }) {
    const { data, stat: nodeStat } = await ctx.client.getConfig(readOptions(ctx, flags.has('w')));
    const text = decoder.decode(data);
    ctx.io.out(flags.has('c') ? clientConfigString(text) : text.replace(/\n$/, ''));
    if (flags.has('s')) printStat(ctx, nodeStat);
  },
};
