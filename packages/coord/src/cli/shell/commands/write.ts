import { MAX_TTL_MS } from '../../../client/create-request.js';
import { UnimplementedError } from '../../../errors/errors.js';
import { parseAcl } from '../acl.js';
import { resolveCreateMode } from '../create-mode.js';
import type { CommandSpec } from '../spec.js';
import { parseIntegerValue, type ParsedArgs } from '../syntax.js';
import { UsageError } from '../usage-error.js';
import { printStat } from './read.js';
import { listSubtree } from './tree.js';

const INT32_MAX = 2 ** 31 - 1;
const DEFAULT_DELETE_BATCH = 1000;
const ACL_NOTE = 'acl: comma-separated scheme:id:perms, perms from crwda, e.g. world:anyone:cdrwa, digest:user:base64sha1:cdrwa, auth::cdrwa, ip:127.0.0.1:r';
const VERSION_FLAG = { letter: 'v', value: 'version', description: 'only if the node\'s current version is this (-1: any)' } as const;

function version(args: ParsedArgs): number {
  const text = args.values.get('v');
  return text === undefined ? -1 : parseIntegerValue(text, 'version', -1, INT32_MAX);
}

export const create: CommandSpec = {
  name: 'create',
  flags: [
    { letter: 'e', description: 'ephemeral: deleted when this session ends' },
    { letter: 's', description: 'sequential: the server appends a 10-digit counter to the name' },
    { letter: 'c', description: 'container: deleted by the server once its last child is gone' },
    { letter: 't', value: 'ttl', description: 'TTL in ms: deleted when unchanged and childless for that long (server needs extendedTypesEnabled)' },
  ],
  args: [{ name: 'path' }, { name: 'data', optional: true }, { name: 'acl', optional: true }],
  summary: 'create a node (default persistent, no data, world:anyone:cdrwa); prints Created <path>',
  notes: [ACL_NOTE],
  async run(ctx, args) {
    const [path = '', data, aclText] = args.positionals;
    const ttlText = args.values.get('t');
    const resolved = resolveCreateMode({
      ephemeral: args.flags.has('e'),
      sequential: args.flags.has('s'),
      container: args.flags.has('c'),
      ttlMs: ttlText === undefined ? undefined : parseIntegerValue(ttlText, 'ttl', 1, MAX_TTL_MS),
    });
    const acl = aclText === undefined ? undefined : parseAcl(aclText);
    try {
      const created = await ctx.client.create(path, data ?? null, { ...resolved, ...(acl === undefined ? {} : { acl }), signal: ctx.signal });
      ctx.io.out(`Created ${created}`);
    } catch (err) {
      if (err instanceof UnimplementedError && resolved.ttlMs !== undefined) {
        throw new UnimplementedError({ path, message: 'the server does not support TTL nodes (start it with -Dzookeeper.extendedTypesEnabled=true)', cause: err });
      }
      throw err;
    }
  },
};

export const set: CommandSpec = {
  name: 'set',
  flags: [{ letter: 's', description: 'print the node\'s new stat' }, VERSION_FLAG],
  args: [{ name: 'path' }, { name: 'data' }],
  summary: 'replace the data of a node',
  async run(ctx, args) {
    const [path = '', data = ''] = args.positionals;
    const stat = await ctx.client.setData(path, data, version(args), { signal: ctx.signal });
    if (args.flags.has('s')) printStat(ctx, stat);
  },
};

export const del: CommandSpec = {
  name: 'delete',
  flags: [VERSION_FLAG],
  args: [{ name: 'path' }],
  summary: 'delete a node that has no children',
  async run(ctx, args) {
    await ctx.client.delete(args.positionals[0] ?? '', version(args), { signal: ctx.signal });
  },
};

export const deleteall: CommandSpec = {
  name: 'deleteall',
  flags: [{ letter: 'b', value: 'batch size', description: `delete this many nodes per multi transaction (default ${DEFAULT_DELETE_BATCH})` }],
  args: [{ name: 'path' }],
  summary: 'delete a node and its whole subtree, children first',
  notes: ['Not atomic for more than one batch: a failure leaves the nodes deleted so far deleted. Refuses /.'],
  async run(ctx, args) {
    const path = args.positionals[0] ?? '';
    const batchText = args.values.get('b');
    const batchSize = batchText === undefined ? DEFAULT_DELETE_BATCH : parseIntegerValue(batchText, 'batch size', 1, 100_000);
    if (path === '/') throw new UsageError('refusing to delete / (delete its children one by one instead)');
    const order = (await listSubtree(ctx.client, path, { signal: ctx.signal })).reverse();
    for (let i = 0; i < order.length; i += batchSize) {
      const transaction = ctx.client.multi();
      for (const p of order.slice(i, i + batchSize)) transaction.delete(p);
      await transaction.commit({ signal: ctx.signal });
    }
  },
};

export const setAcl: CommandSpec = {
  name: 'setAcl',
  flags: [{ letter: 's', description: 'print the node\'s new stat' }, VERSION_FLAG, { letter: 'R', description: 'also set it on every descendant (the version applies to each node)' }],
  args: [{ name: 'path' }, { name: 'acl' }],
  summary: 'replace the ACL of a node',
  notes: [ACL_NOTE],
  async run(ctx, args) {
    const [path = '', aclText = ''] = args.positionals;
    const acl = parseAcl(aclText);
    const v = version(args);
    const targets = args.flags.has('R') ? await listSubtree(ctx.client, path, { signal: ctx.signal }) : [path];
    let rootStat;
    for (const target of targets) {
      const stat = await ctx.client.setACL(target, acl, v, { signal: ctx.signal });
      if (target === path) rootStat = stat;
    }
    if (args.flags.has('s') && rootStat !== undefined) printStat(ctx, rootStat);
  },
};
