import type { Shape } from './apache-admin-shapes.js';

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Differences between a JSON value and a recorded shape: missing or extra keys, keys in another
 * order, leaves of another JSON type. Empty when the value has the shape.
 */
export function shapeDifferences(shape: Shape, value: unknown, at = '$'): string[] {
  if (typeof shape === 'string') {
    const actual = typeOf(value);
    if (shape === 'object') return actual === 'object' ? [] : [`${at}: ${actual}, expected object`];
    return actual === shape ? [] : [`${at}: ${actual}, expected ${shape}`];
  }
  if (isShapeArray(shape)) {
    if (!Array.isArray(value)) return [`${at}: ${typeOf(value)}, expected array`];
    const element = shape[0];
    if (element === undefined) return [];
    return value.flatMap((v, i) => shapeDifferences(element, v, `${at}[${i}]`));
  }
  if (typeOf(value) !== 'object') return [`${at}: ${typeOf(value)}, expected object`];
  const record = value as Record<string, unknown>;
  const expectedKeys = Object.keys(shape);
  const actualKeys = Object.keys(record);
  if (expectedKeys.join() !== actualKeys.join()) return [`${at}: keys ${actualKeys.join(',')}, expected ${expectedKeys.join(',')}`];
  return expectedKeys.flatMap((k) => {
    const s = shape[k];
    return s === undefined ? [] : shapeDifferences(s, record[k], `${at}.${k}`);
  });
}

function isShapeArray(shape: Shape): shape is readonly Shape[] {
  return Array.isArray(shape);
}

/** A map keyed by session ids, expiry times or paths: its keys are data, not field names. */
function isKeyedByData(record: Record<string, unknown>): boolean {
  const keys = Object.keys(record);
  return keys.length > 0 && keys.every((k) => /^-?\d+$/.test(k) || k.startsWith('/'));
}

/** The shape of a JSON value, as shapeDifferences checks it (data-keyed maps become 'object'). */
export function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (isKeyedByData(record)) return 'object';
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, shapeOf(v)]));
  }
  return typeOf(value);
}
