import { describe, expect, it } from 'vitest';
import { MarshallingError } from '../../../src/errors/errors.js';
import { decode, encode } from '../../../src/jute/codec.js';
import { ConnectRequest, ConnectResponse } from '../../../src/jute/records/connect.js';
import { fromHex, hex, toHex } from './hex.js';

// The handshake frames carry no header. The trailing readOnly byte is optional in both
// directions (ProtocolManager): a client that omits it gets a reply without it.

const zeroPasswd = '00000010 00000000000000000000000000000000';
const passwd = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const passwdHex = '00000010 0102030405060708090a0b0c0d0e0f10';

const requestBase = `
  00000000
  0000000100000003
  00007530
  0000000000000000
  ${zeroPasswd}`;

const responseBase = `
  00000000
  00004e20
  0501234567890001
  ${passwdHex}`;

describe('ConnectRequest', () => {
  const base = {
    protocolVersion: 0,
    lastZxidSeen: 0x100000003n,
    timeOut: 30_000,
    sessionId: 0n,
    passwd: new Uint8Array(16),
  };

  it('with the readOnly byte: 45 bytes, field order protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly', () => {
    const value = { ...base, readOnly: false };
    const bytes = encode(ConnectRequest, value);
    expect(bytes.length).toBe(45);
    expect(toHex(bytes)).toBe(hex(`${requestBase} 00`));
    expect(decode(ConnectRequest, bytes)).toEqual(value);
  });

  it('without the readOnly byte (old clients such as node-zookeeper-client): 44 bytes', () => {
    const value = { ...base, readOnly: undefined };
    const bytes = encode(ConnectRequest, value);
    expect(bytes.length).toBe(44);
    expect(toHex(bytes)).toBe(hex(requestBase));
    const back = decode(ConnectRequest, bytes);
    expect(back.readOnly).toBeUndefined();
    expect(back).toEqual(value);
  });

  it('re-encodes each shape as it was received', () => {
    for (const shape of [requestBase, `${requestBase} 00`, `${requestBase} 01`]) {
      const bytes = fromHex(shape);
      expect(toHex(encode(ConnectRequest, decode(ConnectRequest, bytes)))).toBe(toHex(bytes));
    }
  });

  it('reads readOnly true', () => {
    expect(decode(ConnectRequest, fromHex(`${requestBase} 01`)).readOnly).toBe(true);
  });

  it('keeps a reconnecting session id and password', () => {
    const value = { ...base, sessionId: 0x0501234567890001n, passwd, readOnly: true };
    const bytes = encode(ConnectRequest, value);
    expect(toHex(bytes)).toBe(hex(`00000000 0000000100000003 00007530 0501234567890001 ${passwdHex} 01`));
    expect(decode(ConnectRequest, bytes)).toEqual(value);
  });

  it('rejects more than one byte after passwd, and truncation anywhere', () => {
    expect(() => decode(ConnectRequest, fromHex(`${requestBase} 0000`))).toThrow(MarshallingError);
    const full = fromHex(requestBase);
    for (let cut = 0; cut < full.length; cut++) {
      expect(() => decode(ConnectRequest, full.subarray(0, cut))).toThrow(MarshallingError);
    }
  });
});

describe('ConnectResponse', () => {
  const base = { protocolVersion: 0, timeOut: 20_000, sessionId: 0x0501234567890001n, passwd };

  it('with the readOnly byte: 37 bytes, field order protocolVersion, timeOut, sessionId, passwd, readOnly', () => {
    const value = { ...base, readOnly: true };
    const bytes = encode(ConnectResponse, value);
    expect(bytes.length).toBe(37);
    expect(toHex(bytes)).toBe(hex(`${responseBase} 01`));
    expect(decode(ConnectResponse, bytes)).toEqual(value);
  });

  it('without the readOnly byte: 36 bytes', () => {
    const value = { ...base, readOnly: undefined };
    const bytes = encode(ConnectResponse, value);
    expect(bytes.length).toBe(36);
    expect(toHex(bytes)).toBe(hex(responseBase));
    expect(decode(ConnectResponse, bytes)).toEqual(value);
  });

  it('re-encodes each shape as it was received', () => {
    for (const shape of [responseBase, `${responseBase} 00`, `${responseBase} 01`]) {
      const bytes = fromHex(shape);
      expect(toHex(encode(ConnectResponse, decode(ConnectResponse, bytes)))).toBe(toHex(bytes));
    }
  });

  it('decodes the expired-session reply (timeOut 0, sessionId 0, zero password)', () => {
    const bytes = fromHex(`00000000 00000000 0000000000000000 ${zeroPasswd}`);
    expect(decode(ConnectResponse, bytes)).toEqual({
      protocolVersion: 0,
      timeOut: 0,
      sessionId: 0n,
      passwd: new Uint8Array(16),
      readOnly: undefined,
    });
  });

  it('round-trips a null password', () => {
    const value = { ...base, passwd: null, readOnly: false };
    const bytes = encode(ConnectResponse, value);
    expect(toHex(bytes)).toBe(hex('00000000 00004e20 0501234567890001 ffffffff 00'));
    expect(decode(ConnectResponse, bytes)).toEqual(value);
  });

  it('rejects more than one byte after passwd, and truncation anywhere', () => {
    expect(() => decode(ConnectResponse, fromHex(`${responseBase} 010203`))).toThrow(MarshallingError);
    const full = fromHex(responseBase);
    for (let cut = 0; cut < full.length; cut++) {
      expect(() => decode(ConnectResponse, full.subarray(0, cut))).toThrow(MarshallingError);
    }
  });
});
