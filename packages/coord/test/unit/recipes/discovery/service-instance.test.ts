import { describe, expect, it } from 'vitest';
import { createModeFor, deserializeInstance, parseUriSpec, serializeInstance, serviceInstance, type ServiceInstance } from '../../../../src/recipes/discovery/index.js';

describe('ServiceInstance JSON', () => {
  it('round-trips with Curator field names and uriSpec parts', () => {
    const i: ServiceInstance<{ zone: string }> = serviceInstance({ name: 'api', id: 'i1', address: '10.0.0.1', port: 8080, payload: { zone: 'eu' }, uriSpec: '{scheme}://{address}:{port}/v1', registrationTimeUTC: 42 });
    const json = JSON.parse(new TextDecoder().decode(serializeInstance(i))) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['name', 'id', 'address', 'port', 'sslPort', 'payload', 'registrationTimeUTC', 'serviceType', 'uriSpec', 'enabled']);
    expect(json['uriSpec']).toEqual({
      parts: [
        { value: 'scheme', variable: true },
        { value: '://', variable: false },
        { value: 'address', variable: true },
        { value: ':', variable: false },
        { value: 'port', variable: true },
        { value: '/v1', variable: false },
      ],
    });
    expect(deserializeInstance(serializeInstance(i))).toEqual(i);
  });

  it('reads a Curator-written instance and fills defaults', () => {
    const curator = '{"name":"test","id":"3b5d","address":"192.168.1.2","port":1234,"sslPort":null,"payload":null,"registrationTimeUTC":1325129459728,"serviceType":"STATIC","uriSpec":{"parts":[{"value":"http://","variable":false}]}}';
    const i = deserializeInstance(new TextEncoder().encode(curator));
    expect(i).toMatchObject({ name: 'test', id: '3b5d', port: 1234, serviceType: 'STATIC', uriSpec: 'http://', enabled: true });
    expect(() => deserializeInstance(new TextEncoder().encode('{"id":1}'))).toThrow(TypeError);
    expect(() => deserializeInstance(new TextEncoder().encode('{"name":"a","id":"b","serviceType":"X"}'))).toThrow(TypeError);
  });

  it('maps service types to create modes as Curator', () => {
    expect(createModeFor('DYNAMIC')).toBe('EPHEMERAL');
    expect(createModeFor('DYNAMIC_SEQUENTIAL')).toBe('EPHEMERAL_SEQUENTIAL');
    expect(createModeFor('STATIC')).toBe('PERSISTENT');
    expect(createModeFor('PERMANENT')).toBe('PERSISTENT');
    expect(parseUriSpec('')).toEqual([]);
  });
});
