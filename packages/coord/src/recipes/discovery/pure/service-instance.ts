import type { CreateModeName } from '../../../client/types.js';

/** Curator's ServiceType: how an instance's node lives. */
export const ServiceType = {
  DYNAMIC: 'DYNAMIC',
  DYNAMIC_SEQUENTIAL: 'DYNAMIC_SEQUENTIAL',
  STATIC: 'STATIC',
  PERMANENT: 'PERMANENT',
} as const;
export type ServiceTypeName = (typeof ServiceType)[keyof typeof ServiceType];

/** One part of Curator's UriSpec: literal text or a `{variable}`. */
export interface UriSpecPart {
  readonly value: string;
  readonly variable: boolean;
}

/**
 * A registered instance, with Curator's ServiceInstance fields; stored as the same JSON
 * (uriSpec as `{ parts: [...] }`), so Curator and coord clients can read each other's registry.
 */
export interface ServiceInstance<P = unknown> {
  readonly name: string;
  readonly id: string;
  readonly address: string | null;
  readonly port: number | null;
  readonly sslPort: number | null;
  readonly payload: P | null;
  /** Epoch ms of registration. */
  readonly registrationTimeUTC: number;
  readonly serviceType: ServiceTypeName;
  /** A template such as `{scheme}://{address}:{port}`, or null. */
  readonly uriSpec: string | null;
  /** Disabled instances are registered but not handed out by a ServiceProvider. */
  readonly enabled: boolean;
}

/** DYNAMIC → EPHEMERAL, DYNAMIC_SEQUENTIAL → EPHEMERAL_SEQUENTIAL, STATIC / PERMANENT → PERSISTENT (as Curator). */
export function createModeFor(type: ServiceTypeName): CreateModeName {
  switch (type) {
    case 'DYNAMIC':
      return 'EPHEMERAL';
    case 'DYNAMIC_SEQUENTIAL':
      return 'EPHEMERAL_SEQUENTIAL';
    case 'STATIC':
    case 'PERMANENT':
      return 'PERSISTENT';
  }
}

export function isEphemeralType(type: ServiceTypeName): boolean {
  return type === 'DYNAMIC' || type === 'DYNAMIC_SEQUENTIAL';
}

/** Splits `{scheme}://{address}:{port}/x` into Curator's UriSpec parts. */
export function parseUriSpec(spec: string): UriSpecPart[] {
  const parts: UriSpecPart[] = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m = re.exec(spec); m !== null; m = re.exec(spec)) {
    if (m.index > last) parts.push({ value: spec.slice(last, m.index), variable: false });
    parts.push({ value: m[1] ?? '', variable: true });
    last = m.index + m[0].length;
  }
  if (last < spec.length) parts.push({ value: spec.slice(last), variable: false });
  return parts;
}

export function formatUriSpec(parts: readonly UriSpecPart[]): string {
  return parts.map((p) => (p.variable ? `{${p.value}}` : p.value)).join('');
}

/** The instance as Curator's JsonInstanceSerializer writes it. */
export function serializeInstance<P>(instance: ServiceInstance<P>): Uint8Array {
  const json = {
    name: instance.name,
    id: instance.id,
    address: instance.address,
    port: instance.port,
    sslPort: instance.sslPort,
    payload: instance.payload,
    registrationTimeUTC: instance.registrationTimeUTC,
    serviceType: instance.serviceType,
    uriSpec: instance.uriSpec === null ? null : { parts: parseUriSpec(instance.uriSpec) },
    enabled: instance.enabled,
  };
  return new TextEncoder().encode(JSON.stringify(json));
}

/** Parses an instance node; throws TypeError for data that is not a ServiceInstance. */
export function deserializeInstance<P>(data: Uint8Array): ServiceInstance<P> {
  const raw: unknown = JSON.parse(new TextDecoder().decode(data));
  if (typeof raw !== 'object' || raw === null) throw new TypeError('service instance: not a JSON object');
  const o = raw as Record<string, unknown>;
  const str = (k: string): string => {
    const v = o[k];
    if (typeof v !== 'string') throw new TypeError(`service instance: ${k} must be a string`);
    return v;
  };
  const optStr = (k: string): string | null => (o[k] === undefined || o[k] === null ? null : str(k));
  const optNum = (k: string): number | null => {
    const v = o[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number') throw new TypeError(`service instance: ${k} must be a number`);
    return v;
  };
  const type = o['serviceType'] ?? 'DYNAMIC';
  if (typeof type !== 'string' || !(type in ServiceType)) throw new TypeError(`service instance: unknown serviceType ${String(type)}`);
  return {
    name: str('name'),
    id: str('id'),
    address: optStr('address'),
    port: optNum('port'),
    sslPort: optNum('sslPort'),
    payload: (o['payload'] ?? null) as P | null,
    registrationTimeUTC: optNum('registrationTimeUTC') ?? 0,
    serviceType: type as ServiceTypeName,
    uriSpec: readUriSpec(o['uriSpec']),
    enabled: o['enabled'] !== false,
  };
}

function readUriSpec(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  const parts = (v as { parts?: unknown }).parts;
  if (!Array.isArray(parts)) throw new TypeError('service instance: uriSpec must have parts');
  return formatUriSpec(
    parts.map((p: unknown) => {
      const part = p as { value?: unknown; variable?: unknown };
      if (typeof part.value !== 'string') throw new TypeError('service instance: uriSpec part without a value');
      return { value: part.value, variable: part.variable === true };
    }),
  );
}
