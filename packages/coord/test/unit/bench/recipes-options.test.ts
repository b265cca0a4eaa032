import { describe, expect, it } from 'vitest';
import { BenchOptionError } from '../../../src/cli/bench/options.js';
import { MAX_CONTENDERS, parseRecipesBenchOptions, RECIPES_DEFAULTS } from '../../../src/cli/bench/recipes-options.js';

describe('parseRecipesBenchOptions', () => {
  it('fills every default when nothing is given', () => {
    expect(parseRecipesBenchOptions({})).toEqual({
      rounds: RECIPES_DEFAULTS.rounds,
      handoffs: RECIPES_DEFAULTS.handoffs,
      contenders: [1, 10, 100],
      failovers: RECIPES_DEFAULTS.failovers,
      crashFailovers: RECIPES_DEFAULTS.crashFailovers,
      jsonPath: undefined,
    });
  });

  it('parses every option', () => {
    expect(parseRecipesBenchOptions({ rounds: '3', handoffs: '100', contenders: '2, 5,2', failovers: '4', crashFailovers: '5', json: ' out.json ' })).toEqual({
      rounds: 3,
      handoffs: 100,
      contenders: [2, 5],
      failovers: 4,
      crashFailovers: 5,
      jsonPath: 'out.json',
    });
  });

  it.each([
    [{ rounds: '0' }, '--rounds'],
    [{ handoffs: '1e3' }, '--handoffs'],
    [{ contenders: '1,,10' }, 'empty entry'],
    [{ contenders: String(MAX_CONTENDERS + 1) }, '--contenders'],
    [{ failovers: '-1' }, '--failovers'],
    [{ crashFailovers: '51' }, '--crash-failovers'],
    [{ json: '  ' }, '--json'],
  ])('rejects %o', (raw, message) => {
    expect(() => parseRecipesBenchOptions(raw)).toThrow(BenchOptionError);
    expect(() => parseRecipesBenchOptions(raw)).toThrow(message);
  });
});
