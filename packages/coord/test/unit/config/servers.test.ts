import { describe, expect, it } from 'vitest';
import { parseServerId, parseServerLine } from '../../../src/config/servers.js';
import { BadValue } from '../../../src/config/values.js';

describe('server.N lines', () => {
  it('parses host:quorumPort:electionPort', () => {
    expect(parseServerLine(1, 'zk1.example.com:2888:3888')).toEqual({ id: 1, host: 'zk1.example.com', quorumPort: 2888, electionPort: 3888, role: 'participant' });
  });

  it('parses a role and a client endpoint (3.5 dynamic style)', () => {
    expect(parseServerLine(3, '10.0.0.3:2888:3888:observer;0.0.0.0:2181')).toEqual({
      id: 3, host: '10.0.0.3', quorumPort: 2888, electionPort: 3888, role: 'observer', clientHost: '0.0.0.0', clientPort: 2181,
    });
    expect(parseServerLine(2, 'h:1:2;2182')).toMatchObject({ clientPort: 2182 });
    expect(parseServerLine(2, 'h:1:2;2182')).not.toHaveProperty('clientHost');
  });

  it('parses bracketed IPv6 hosts', () => {
    expect(parseServerLine(1, '[::1]:2888:3888')).toMatchObject({ host: '::1', quorumPort: 2888, electionPort: 3888 });
  });

  it.each([
    ['host:2888', /expected host:quorumPort:electionPort/],
    ['host:x:3888', /quorum port/],
    ['host:2888:70000', /election port/],
    ['host:2888:3888:leader', /participant or observer/],
    ['a:1:2|b:1:2', /not supported yet/],
    [':2888:3888', /expected host/],
  ])('refuses %s', (value, message) => {
    expect(() => parseServerLine(1, value)).toThrow(BadValue);
    expect(() => parseServerLine(1, value)).toThrow(message);
  });

  it('takes ids 1..254 only', () => {
    expect(parseServerId('254')).toBe(254);
    for (const bad of ['0', '255', 'a', '-1', '']) expect(() => parseServerId(bad)).toThrow(/1\.\.254/);
  });
});
