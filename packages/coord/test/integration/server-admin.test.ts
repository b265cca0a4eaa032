/**
 * The HTTP AdminServer and the Prometheus endpoint against a running coord server: every command
 * and alias, error answers, and the JSON shape of every command against Apache ZooKeeper 3.8's
 * Jetty AdminServer for the same state; /metrics parses as exposition format 0.0.4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type CoordClient } from '../../src/index.js';
import { ADMIN_COMMANDS } from '../../src/server/admin/commands.js';
import { PROMETHEUS_CONTENT_TYPE, serverStatsSource, startAdminServer, startMetricsServer, type HttpEndpoint } from '../../src/server/admin/index.js';
import { apacheZooKeeperAvailable, fourLetterWord, getFreePort, startApacheZooKeeper, startServer, type ApacheZooKeeper, type CoordServer } from '../../src/testing/index.js';
import { parsePrometheusText } from '../unit/admin/prometheus-text.js';
import { shapeDifferences, shapeOf } from '../unit/admin/shape.js';

const available = apacheZooKeeperAvailable();
if (!available) {
  if (process.env['CI'] === 'true') throw new Error('Apache ZooKeeper is required in CI: apt-get install -y zookeeper');
  console.warn('SKIPPING the Apache AdminServer comparison: Apache ZooKeeper not installed');
}

async function populate(client: CoordClient): Promise<void> {
  await client.create('/a', 'hello');
  await client.create('/a/e', 'x', { mode: 'EPHEMERAL' });
  await client.getData('/a', { watch: () => undefined });
  await client.getChildren('/a', { watch: () => undefined });
  await client.exists('/missing', { watch: () => undefined });
}

async function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

async function getJson(port: number, path: string): Promise<Record<string, unknown>> {
  const res = await get(port, path);
  expect(res.status, path).toBe(200);
  expect(res.type, path).toBe('application/json');
  return JSON.parse(res.body) as Record<string, unknown>;
}

describe('AdminServer and /metrics on coord', () => {
  let server: CoordServer;
  let client: CoordClient;
  let admin: HttpEndpoint;
  let metrics: HttpEndpoint;

  beforeAll(async () => {
    server = await startServer({ fourLetterWords: '*' });
    const source = serverStatsSource(server, { config: { dataDir: '/nonexistent' } });
    [admin, metrics] = await Promise.all([startAdminServer({ port: 0, source }), startMetricsServer({ port: 0, source })]);
    client = createClient(server.connectString);
    await client.waitForConnected();
    await populate(client);
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all([admin?.close(), metrics?.close()]);
    await server?.stop();
  });

  it('lists the commands as links', async () => {
    const res = await get(admin.port, '/commands');
    expect(res.status).toBe(200);
    for (const cmd of ADMIN_COMMANDS) expect(res.body).toContain(`<a href="/commands/${cmd.names[0] ?? ''}">${cmd.names[0] ?? ''}</a>\n<br/>\n`);
    expect((await get(admin.port, '/commands/')).body).toBe(res.body);
  });

  it('answers every command under each of its names', async () => {
    for (const cmd of ADMIN_COMMANDS) {
      for (const name of cmd.names) {
        const json = await getJson(admin.port, `/commands/${name}`);
        expect(json['command'], name).toBe(cmd.names[0]);
        if (name !== 'leader' && name !== 'lead' && name !== 'set_trace_mask' && name !== 'stmk') expect(json['error'], name).toBeNull();
      }
    }
  });

  it('reports the tree, sessions, ephemerals and watches', async () => {
    expect(await getJson(admin.port, '/commands/monitor')).toMatchObject({ znode_count: 7, ephemerals_count: 1, watch_count: 3, global_sessions: 1 });
    expect(await getJson(admin.port, '/commands/watch_summary')).toMatchObject({ num_connections: 1, num_paths: 2, num_total_watches: 2 });
    const byPath = await getJson(admin.port, '/commands/watches_by_path');
    expect(Object.keys(byPath['path_to_session_ids'] as object)).toEqual(['/a', '/missing']);
    const dump = await getJson(admin.port, '/commands/dump');
    expect(Object.values(dump['session_id_to_ephemeral_paths'] as object)).toEqual([['/a/e']]);
    const conf = await getJson(admin.port, '/commands/conf');
    expect(conf).toMatchObject({ client_port: server.port, data_dir: '/nonexistent' });
    const cons = await getJson(admin.port, '/commands/cons');
    expect(cons['connections']).toHaveLength(1);
  });

  it('stat_reset zeroes the packet counters', async () => {
    await client.exists('/a');
    await getJson(admin.port, '/commands/srst');
    const stats = await getJson(admin.port, '/commands/server_stats');
    expect(stats['server_stats']).toMatchObject({ packets_received: 0, packets_sent: 0 });
    expect(await fourLetterWord(server.host, server.port, 'ruok')).toBe('imok');
  });

  it('answers unknown commands, other paths and other methods as Jetty does', async () => {
    expect(await getJson(admin.port, '/commands/nope')).toEqual({ command: 'nope', error: 'Unknown command: nope' });
    expect((await get(admin.port, '/')).status).toBe(404);
    expect((await get(admin.port, '/metrics')).status).toBe(404);
    expect((await get(admin.port, '/commands/ruok', 'POST')).status).toBe(405);
    expect(await getJson(admin.port, '/commands/%E0%A4%A')).toEqual({ command: '%E0%A4%A', error: 'Unknown command: %E0%A4%A' });
    expect(await getJson(admin.port, '/commands/set_trace_mask?traceMask=16')).toEqual({ tracemask: 16, command: 'set_trace_mask', error: null });
    expect(await getJson(admin.port, '/commands/gtmk')).toEqual({ tracemask: 16, command: 'get_trace_mask', error: null });
  });

  it('serves /metrics in exposition format 0.0.4', async () => {
    const res = await get(metrics.port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.type).toBe(PROMETHEUS_CONTENT_TYPE);
    const families = parsePrometheusText(res.body);
    expect(families.get('znode_count')?.samples[0]?.value).toBe(7);
    expect(families.get('ephemerals_count')?.samples[0]?.value).toBe(1);
    expect(families.get('num_alive_connections')?.samples[0]?.value).toBe(1);
    for (const name of ['watch_count', 'approximate_data_size', 'outstanding_requests', 'packets_received', 'packets_sent', 'uptime']) expect(families.get(name)?.type, name).toBe('gauge');
    for (const name of ['readlatency', 'updatelatency', 'fsynctime']) expect(families.get(name)?.type, name).toBe('summary');
    expect((await get(metrics.port, '/other')).status).toBe(404);
  });
});

describe.skipIf(!available)('AdminServer: coord against Apache ZooKeeper', () => { // requires Apache ZooKeeper; skips only outside CI
  let zk: ApacheZooKeeper;
  let server: CoordServer;
  let admin: HttpEndpoint;
  let apachePort = 0;
  const clients: CoordClient[] = [];

  beforeAll(async () => {
    apachePort = await getFreePort();
    // Debian's zookeeper.jar manifest leaves out the servlet API Jetty needs; the launcher's
    // JDK_JAVA_OPTIONS adds it for this JVM only (without it ZooKeeper skips its AdminServer).
    const previous = process.env['JDK_JAVA_OPTIONS'];
    process.env['JDK_JAVA_OPTIONS'] = '-Xbootclasspath/a:/usr/share/java/servlet-api.jar';
    try {
      zk = await startApacheZooKeeper({ extraConfig: { 'admin.enableServer': 'true', 'admin.serverPort': String(apachePort), 'admin.serverAddress': '127.0.0.1' } });
    } finally {
      if (previous === undefined) delete process.env['JDK_JAVA_OPTIONS'];
      else process.env['JDK_JAVA_OPTIONS'] = previous;
    }
    server = await startServer({ fourLetterWords: '*' });
    admin = await startAdminServer({ port: 0, source: serverStatsSource(server) });
    for (const target of [zk, server]) {
      const client = createClient(target.connectString);
      clients.push(client);
      await client.waitForConnected();
      await populate(client);
    }
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await admin?.close();
    await Promise.all([zk?.stop(), server?.stop()]);
  });

  it('lists the same commands', async () => {
    expect((await get(admin.port, '/commands')).body).toBe((await get(apachePort, '/commands')).body);
  });

  const shaped = ADMIN_COMMANDS.map((c) => c.names[0] ?? '').filter((n) => !['monitor', 'environment', 'system_properties'].includes(n));
  it.each(shaped)('%s has the JSON shape of Apache', async (name) => {
    const apache = await getJson(apachePort, `/commands/${name}`);
    const coord = await getJson(admin.port, `/commands/${name}`);
    expect(shapeDifferences(shapeOf(apache), coord)).toEqual([]);
  });

  it('environment has the same keys; monitor a subset of Apache keys, gauges first in its order', async () => {
    const [apacheEnv, coordEnv] = [await getJson(apachePort, '/commands/envi'), await getJson(admin.port, '/commands/envi')];
    expect(Object.keys(coordEnv)).toEqual(Object.keys(apacheEnv));
    const apache = Object.keys(await getJson(apachePort, '/commands/monitor'));
    const coord = Object.keys(await getJson(admin.port, '/commands/monitor'));
    expect(coord.filter((k) => !apache.includes(k))).toEqual([]);
    expect(coord.slice(0, 26)).toEqual(apache.slice(0, 26));
  });

  it('answers unknown commands and bad arguments with the same JSON and status', async () => {
    for (const path of ['/commands/nope', '/commands/set_trace_mask', '/commands/leader']) {
      const [apache, coord] = [await get(apachePort, path), await get(admin.port, path)];
      expect(coord.status, path).toBe(apache.status);
      expect(JSON.parse(coord.body), path).toEqual(JSON.parse(apache.body));
    }
    expect((await get(admin.port, '/')).status).toBe((await get(apachePort, '/')).status);
  });
});
