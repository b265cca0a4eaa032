import { javaDouble } from './format.js';

/** A number Jackson would print as a Java double ("0.0", not "0"). */
export class JsonDouble {
  constructor(readonly value: number) {}
}

export type JsonValue = null | boolean | number | bigint | string | JsonDouble | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * JSON as Jackson's DefaultPrettyPrinter writes the AdminServer's responses: `"key" : value`,
 * two-space indents, arrays on one line (`[ 1, 2 ]`, `[ ]`), empty objects as `{ }`. Longs
 * (session ids) stay exact: bigints are written as plain integer literals.
 */
export function toJson(value: JsonValue, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof JsonDouble) return Number.isFinite(value.value) ? javaDouble(value.value) : JSON.stringify(javaDouble(value.value));
  if (isArray(value)) return value.length === 0 ? '[ ]' : `[ ${value.map((v) => toJson(v, indent)).join(', ')} ]`;
  const entries = Object.entries(value);
  if (entries.length === 0) return '{ }';
  const inner = `${indent}  `;
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${toJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}
