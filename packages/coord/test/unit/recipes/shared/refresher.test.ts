import { describe, expect, it } from 'vitest';
import { Refresher } from '../../../../src/recipes/shared/index.js';

describe('Refresher', () => {
  it('coalesces triggers: one queued run while one is in progress', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const gates: Promise<void>[] = [];
    const r = new Refresher(async () => {
      runs++;
      const gate = new Promise<void>((resolve) => (release = resolve));
      gates.push(gate);
      await gate;
    }, () => undefined);
    const first = r.trigger();
    await Promise.resolve();
    await Promise.resolve();
    const second = r.trigger();
    const third = r.trigger();
    expect(second).toBe(third);
    release();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await second;
    expect(runs).toBe(2);
  });

  it('reports task errors and stops running after stop()', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const r = new Refresher(async () => {
      runs++;
      throw new Error('boom');
    }, (e) => errors.push(e));
    await r.trigger();
    expect(errors).toHaveLength(1);
    await r.stop();
    await r.trigger();
    expect(runs).toBe(1);
  });
});
