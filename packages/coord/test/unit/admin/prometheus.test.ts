import { describe, expect, it } from 'vitest';
import { renderPrometheus } from '../../../src/server/admin/prometheus.js';
import { ServerStats } from '../../../src/server/admin/server-stats.js';
import { fakeSource } from './fake-source.js';
import { parsePrometheusText } from './prometheus-text.js';

describe('renderPrometheus', () => {
  it('parses as exposition format 0.0.4 with ZooKeeper metric names and types', () => {
    const families = parsePrometheusText(renderPrometheus(fakeSource()));
    const expected: Record<string, string> = {
      znode_count: 'gauge',
      watch_count: 'gauge',
      ephemerals_count: 'gauge',
      approximate_data_size: 'gauge',
      outstanding_requests: 'gauge',
      num_alive_connections: 'gauge',
      packets_received: 'gauge',
      packets_sent: 'gauge',
      uptime: 'gauge',
      global_sessions: 'gauge',
      readlatency: 'summary',
      updatelatency: 'summary',
      fsynctime: 'summary',
      connection_rejected: 'counter',
    };
    for (const [name, type] of Object.entries(expected)) expect(families.get(name)?.type, name).toBe(type);
    for (const f of families.values()) expect(f.help, f.name).toBe(f.name);
    expect(families.get('znode_count')?.samples[0]?.value).toBe(7);
    expect(families.has('version')).toBe(false);
  });

  it('reports summaries with ZooKeeper quantiles, NaN without samples, and counts once recorded', () => {
    const stats = new ServerStats();
    const empty = parsePrometheusText(renderPrometheus(fakeSource({ stats })));
    expect(empty.get('readlatency')?.samples.map((s) => s.labels.get('quantile') ?? s.name)).toEqual(['0.5', '0.9', '0.99', 'readlatency_count', 'readlatency_sum']);
    expect(empty.get('fsynctime')?.samples.map((s) => s.labels.get('quantile') ?? s.name)).toEqual(['0.5', 'fsynctime_count', 'fsynctime_sum']);
    expect(empty.get('readlatency')?.samples[0]?.value).toBeNaN();
    for (const ms of [1, 2, 3, 4, 100]) stats.requestDone('read', ms);
    stats.requestDone('update', 5);
    const after = parsePrometheusText(renderPrometheus(fakeSource({ stats })));
    const read = after.get('readlatency')?.samples ?? [];
    expect(read.find((s) => s.name === 'readlatency_count')?.value).toBe(5);
    expect(read.find((s) => s.name === 'readlatency_sum')?.value).toBe(110);
    expect(read.find((s) => s.labels.get('quantile') === '0.5')?.value).toBe(3);
    expect(read.find((s) => s.labels.get('quantile') === '0.99')?.value).toBe(100);
    expect(after.get('updatelatency')?.samples.find((s) => s.name === 'updatelatency_count')?.value).toBe(1);
    expect(after.get('avg_latency')?.samples[0]?.value).toBeCloseTo(115 / 6, 3);
  });
});

describe('parsePrometheusText', () => {
  it('rejects what the format forbids', () => {
    expect(() => parsePrometheusText('x 1\n')).toThrow(/no HELP\/TYPE/);
    expect(() => parsePrometheusText('# TYPE x gauge\nx one\n')).toThrow(/bad value/);
    expect(() => parsePrometheusText('# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\nx 2\n')).toThrow(/contiguous/);
    expect(() => parsePrometheusText('# TYPE s summary\ns_sum 1\ns_count 1\n')).toThrow(/quantile/);
    expect(() => parsePrometheusText('# TYPE x gauge\nx{a="1" 1\n')).toThrow();
    expect(() => parsePrometheusText('# TYPE x gauge\nx 1')).toThrow(/line feed/);
    expect(parsePrometheusText('# TYPE x gauge\nx{a="1",} NaN\n').get('x')?.samples[0]?.labels.get('a')).toBe('1');
  });
});
