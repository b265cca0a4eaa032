import { describe, expect, it } from 'vitest';
import { avgLatency, javaDate, javaDouble, javaHex } from '../../../src/server/admin/format.js';
import { JsonDouble, toJson } from '../../../src/server/admin/json.js';
import { Summary, quantileOf } from '../../../src/server/admin/summary.js';

describe('Java-style formatting', () => {
  it('prints doubles as Double.toString does', () => {
    expect(javaDouble(0)).toBe('0.0');
    expect(javaDouble(2.1429)).toBe('2.1429');
    expect(javaDouble(7)).toBe('7.0');
    expect(javaDouble(0.0001)).toBe('1.0E-4');
    expect(javaDouble(12_345_678)).toBe('1.2345678E7');
    expect(javaDouble(Number.NaN)).toBe('NaN');
    expect(avgLatency(15 / 7)).toBe('2.1429');
  });

  it('prints longs as unsigned hex and dates as Date.toString in UTC', () => {
    expect(javaHex(0x1000031a2c40000n)).toBe('1000031a2c40000');
    expect(javaHex(-1n)).toBe('ffffffffffffffff');
    expect(javaHex(6)).toBe('6');
    expect(javaDate(Date.UTC(2026, 10, 27, 0, 36, 43))).toBe('Fri Nov 27 00:36:43 UTC 2026');
  });
});

describe('toJson', () => {
  it("writes Jackson's pretty-printed layout, with exact longs", () => {
    const text = toJson({
      connections: [{ session_id: 72057807222079488n, avg: new JsonDouble(0) }],
      secure_connections: [],
      current_config: {},
      ids: [1n, 2n],
      command: 'connections',
      error: null,
    });
    expect(text).toBe(
      '{\n  "connections" : [ {\n    "session_id" : 72057807222079488,\n    "avg" : 0.0\n  } ],\n' +
        '  "secure_connections" : [ ],\n  "current_config" : { },\n  "ids" : [ 1, 2 ],\n  "command" : "connections",\n  "error" : null\n}',
    );
    expect(JSON.parse(text)).toMatchObject({ command: 'connections', error: null });
  });
});

describe('Summary', () => {
  it('keeps count, sum, extremes and quantiles, and resets', () => {
    const s = new Summary();
    expect(s.snapshot()).toMatchObject({ count: 0, sum: 0, min: 0, max: 0, avg: 0 });
    expect(s.snapshot().quantile(0.5)).toBeNaN();
    for (let i = 1; i <= 100; i++) s.add(i);
    const snap = s.snapshot();
    expect(snap).toMatchObject({ count: 100, sum: 5050, min: 1, max: 100, avg: 50.5 });
    expect(snap.quantile(0.5)).toBe(50);
    expect(snap.quantile(0.99)).toBe(99);
    s.reset();
    expect(s.snapshot().count).toBe(0);
    expect(quantileOf([], 0.5)).toBeNaN();
  });

  it('bounds the samples kept for quantiles', () => {
    const s = new Summary();
    for (let i = 0; i < 5000; i++) s.add(i < 4000 ? 1000 : 1);
    expect(s.snapshot().count).toBe(5000);
    expect(s.snapshot().quantile(0.5)).toBe(1);
  });
});
