import { describe, expect, it } from 'vitest';
import { ADMIN_COMMANDS, adminCommandNames, newCommandState, runAdminCommand } from '../../../src/server/admin/commands.js';
import { toJson } from '../../../src/server/admin/json.js';
import { APACHE_ADMIN_SHAPES, APACHE_MONITOR_KEYS } from './apache-admin-shapes.js';
import { fakeSource } from './fake-source.js';
import { shapeDifferences } from './shape.js';

const run = (name: string, params: Record<string, string> = {}) =>
  JSON.parse(toJson(runAdminCommand(fakeSource(), name, new Map(Object.entries(params)), newCommandState()))) as Record<string, unknown>;

describe('AdminServer commands', () => {
  it("has Apache 3.8's primary names", () => {
    expect(adminCommandNames()).toEqual(Object.keys(APACHE_ADMIN_SHAPES).sort());
  });

  it.each(Object.keys(APACHE_ADMIN_SHAPES).filter((n) => !['monitor', 'environment', 'system_properties', 'set_trace_mask'].includes(n)))(
    '%s has the JSON shape Apache gives',
    (name) => {
      const shape = APACHE_ADMIN_SHAPES[name];
      if (shape === undefined) throw new Error(name);
      expect(shapeDifferences(shape, run(name))).toEqual([]);
    },
  );

  it('answers every alias with the primary name', () => {
    for (const cmd of ADMIN_COMMANDS) for (const alias of cmd.names) expect(run(alias).command, alias).toBe(cmd.names[0]);
  });

  it('environment has the keys Apache prints', () => {
    const env = run('environment');
    const apache = APACHE_ADMIN_SHAPES.environment;
    expect(Object.keys(env)).toEqual(Object.keys(apache ?? {}));
    for (const [k, v] of Object.entries(env)) if (k !== 'error') expect(typeof v, k).toBe('string');
  });

  it('monitor reports a subset of Apache keys, the server gauges in its order, all numeric but two', () => {
    const m = run('monitor');
    const keys = Object.keys(m).filter((k) => k !== 'command' && k !== 'error');
    expect(keys.filter((k) => !APACHE_MONITOR_KEYS.includes(k))).toEqual([]);
    const gauges = APACHE_MONITOR_KEYS.slice(0, 26);
    expect(keys.slice(0, 26)).toEqual(gauges);
    for (const k of keys) expect(typeof m[k], k).toBe(k === 'version' || k === 'server_state' ? 'string' : 'number');
    expect(m).toMatchObject({ znode_count: 7, watch_count: 4, ephemerals_count: 1, approximate_data_size: 56, command: 'monitor', error: null });
  });

  it('unknown commands and set_trace_mask errors look like Apache', () => {
    expect(run('nope')).toEqual({ command: 'nope', error: 'Unknown command: nope' });
    expect(run('set_trace_mask')).toEqual({ error: 'setTraceMask requires long traceMask argument', command: 'set_trace_mask' });
    expect(run('stmk', { traceMask: '0' })).toEqual({ tracemask: 0, command: 'set_trace_mask', error: null });
    expect(run('leader')).toEqual({ error: 'server is not initialized', command: 'leader' });
  });

  it('keeps session ids exact in its JSON text', () => {
    const text = toJson(runAdminCommand(fakeSource(), 'wchc', new Map(), newCommandState()));
    expect(text).toContain('"72057807222079488" : [ "/a", "/missing", "/a/e" ]');
    const cons = toJson(runAdminCommand(fakeSource(), 'cons', new Map(), newCommandState()));
    expect(cons).toContain('"session_id" : 72057807222079488,');
  });
});
