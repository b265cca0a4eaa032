import { describe, expect, it } from 'vitest';
import { BadArgumentsError, parseConnectString } from '../../../src/index.js';

describe('parseConnectString', () => {
  it('parses one host and defaults the port to 2181', () => {
    expect(parseConnectString('localhost')).toEqual({ hosts: [{ host: 'localhost', port: 2181 }], chroot: undefined });
  });

  it('parses several hosts, each with or without a port, in order', () => {
    expect(parseConnectString('a:1,b.example.com:2182,c,10.0.0.4:65535').hosts).toEqual([
      { host: 'a', port: 1 },
      { host: 'b.example.com', port: 2182 },
      { host: 'c', port: 2181 },
      { host: '10.0.0.4', port: 65535 },
    ]);
  });

  it('trims blanks around the string and around each host, and skips empty entries', () => {
    expect(parseConnectString('  a:1 , b:2 ,, ').hosts).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
    ]);
  });

  it('reads IPv6 addresses in brackets, with or without a port', () => {
    expect(parseConnectString('[::1]:2182,[fe80::1%eth0],[2001:db8::7]:3000').hosts).toEqual([
      { host: '::1', port: 2182 },
      { host: 'fe80::1%eth0', port: 2181 },
      { host: '2001:db8::7', port: 3000 },
    ]);
  });

  it('takes everything from the first slash as the chroot', () => {
    expect(parseConnectString('a:1,b:2/app/sub')).toEqual({
      hosts: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2 },
      ],
      chroot: '/app/sub',
    });
    expect(parseConnectString('[::1]:2181/app').chroot).toBe('/app');
    expect(parseConnectString('a/x').chroot).toBe('/x');
  });

  it('treats a bare "/" as no chroot', () => {
    expect(parseConnectString('a:1/').chroot).toBeUndefined();
  });

  it.each([
    ['', /no hosts/],
    ['   ', /no hosts/],
    [',,', /no hosts/],
    ['/app', /no hosts/],
    ['a:0', /port "0" in "a:0" is not 1\.\.65535/],
    ['a:65536', /port "65536"/],
    ['a:-1', /port "-1"/],
    ['a:http', /port "http"/],
    ['a:21.5', /port "21\.5"/],
    [':2181', /empty host in ":2181"/],
    ['[::1', /unclosed IPv6 bracket in "\[::1"/],
    ['[::1]2181', /unexpected "2181" after IPv6 address/],
    ['[]:2181', /empty host/],
    ['a:1/app/', /chroot "\/app\/" is not a valid path/],
    ['a:1/app//x', /chroot "\/app\/\/x" is not a valid path/],
    ['a:1/app/..', /chroot "\/app\/\.\." is not a valid path/],
  ])('rejects %j with BadArgumentsError naming the problem', (input, why) => {
    let thrown: unknown;
    try {
      parseConnectString(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadArgumentsError);
    const message = (thrown as Error).message;
    expect(message).toContain(`invalid connect string ${JSON.stringify(input)}`);
    expect(message).toMatch(why);
  });

  it.each(['a:0x50', 'a:1e3', 'a:8_0', 'a:0b1', 'a:80.0'])('rejects the port of %j: only decimal digits are a port', (input) => {
    // Number() reads "0x50" as 80, "1e3" as 1000, "0b1" as 1: a typo must not connect somewhere else.
    expect(() => parseConnectString(input)).toThrow(BadArgumentsError);
    expect(() => parseConnectString(input)).toThrow(/is not 1\.\.65535/);
  });
});
