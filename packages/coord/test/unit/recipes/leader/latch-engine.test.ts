import { describe, expect, it } from 'vitest';
import { decideLatch, LATCH_NODE_NAME, latchSequence, participantOrder, reactToState, SELECTOR_NODE_NAME } from '../../../../src/recipes/leader/pure/latch-engine.js';

const node = (uuid: string, seq: number, name = LATCH_NODE_NAME): string => `_c_${uuid}-${name}${String(seq).padStart(10, '0')}`;

describe('decideLatch', () => {
  const a = node('aaaa', 3);
  const b = node('bbbb', 7);
  const c = node('cccc', 12);

  it('the lowest sequence leads, whatever the uuid order or listing order', () => {
    expect(decideLatch([c, b, a], a, LATCH_NODE_NAME)).toEqual({ kind: 'leader', index: 0 });
    expect(decideLatch([node('zzzz', 1), node('0000', 2)], node('zzzz', 1), LATCH_NODE_NAME)).toEqual({ kind: 'leader', index: 0 });
  });

  it('a follower watches only the node just before its own', () => {
    expect(decideLatch([c, a, b], b, LATCH_NODE_NAME)).toEqual({ kind: 'follower', index: 1, watch: a });
    expect(decideLatch([c, a, b], c, LATCH_NODE_NAME)).toEqual({ kind: 'follower', index: 2, watch: b });
  });

  it('reports a missing node instead of throwing (the session that made it is gone)', () => {
    expect(decideLatch([a, c], b, LATCH_NODE_NAME)).toEqual({ kind: 'missing' });
    expect(decideLatch([], a, LATCH_NODE_NAME)).toEqual({ kind: 'missing' });
  });

  it('ignores children that are not contenders of this kind', () => {
    const foreign = node('dddd', 1, SELECTOR_NODE_NAME);
    expect(decideLatch([foreign, 'junk', b, c], b, LATCH_NODE_NAME)).toEqual({ kind: 'leader', index: 0 });
  });

  it('orders by the sequence number, not by the string, across the counter wrap to negative', () => {
    const wrapped = `_c_eeee-${LATCH_NODE_NAME}-000000001`;
    expect(latchSequence(wrapped)).toBe(-1);
    expect(participantOrder([b, wrapped, a], LATCH_NODE_NAME)).toEqual([wrapped, a, b]);
  });
});

describe('reactToState', () => {
  it("standard policy: suspended already ends leadership; the node is kept", () => {
    expect(reactToState('suspended', 'standard')).toEqual({ dropLeadership: true, forgetNode: false, recheck: false });
  });

  it("session policy: suspended keeps leadership", () => {
    expect(reactToState('suspended', 'session')).toEqual({ dropLeadership: false, forgetNode: false, recheck: false });
  });

  it('lost and closed end leadership and forget the node under either policy', () => {
    for (const policy of ['standard', 'session'] as const) {
      expect(reactToState('lost', policy)).toEqual({ dropLeadership: true, forgetNode: true, recheck: false });
      expect(reactToState('closed', policy)).toEqual({ dropLeadership: true, forgetNode: true, recheck: false });
    }
  });

  it('reconnected re-reads the children and changes nothing by itself', () => {
    expect(reactToState('reconnected', 'standard')).toEqual({ dropLeadership: false, forgetNode: false, recheck: true });
    expect(reactToState('reconnected', 'session')).toEqual({ dropLeadership: false, forgetNode: false, recheck: true });
  });

  it('connecting, connected and readOnly need no reaction', () => {
    for (const state of ['connecting', 'connected', 'readOnly'] as const) {
      expect(reactToState(state, 'standard')).toEqual({ dropLeadership: false, forgetNode: false, recheck: false });
    }
  });
});
