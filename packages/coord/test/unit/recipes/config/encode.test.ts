import { describe, expect, it } from 'vitest';
import { encodeDocument, parseJson } from '../../../../src/recipes/config/index.js';

describe('config documents', () => {
  it('stores JSON as UTF-8 text and bytes as they are', () => {
    expect(new TextDecoder().decode(encodeDocument({ a: 1, s: 'é' }))).toBe('{"a":1,"s":"é"}');
    const bytes = new Uint8Array([0, 1, 2]);
    expect(encodeDocument(bytes)).toBe(bytes);
    expect(parseJson(encodeDocument([1, 'x']))).toEqual([1, 'x']);
    expect(() => encodeDocument(undefined)).toThrow(TypeError);
  });
});
