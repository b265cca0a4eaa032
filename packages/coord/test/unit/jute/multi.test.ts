import { describe, expect, it } from 'vitest';
import { MarshallingError } from '../../../src/errors/errors.js';
import { ErrorCode } from '../../../src/errors/codes.js';
import { decode, encode } from '../../../src/jute/codec.js';
import { OpCode } from '../../../src/jute/opcodes.js';
import { MultiRequest, MultiResponse, type MultiOp, type MultiResult } from '../../../src/jute/records/multi.js';
import { stat, statHex } from './fixtures.js';
import { fromHex, hex, toHex, utf8 } from './hex.js';

// MultiOperationRecord / MultiResponse (reference §1.9): each op or result is a MultiHeader
// {int type; boolean done; int err} then its record; the list ends with MultiHeader(-1, true, -1).

const END = 'ffffffff 01 ffffffff';
const openAcl = '00000001 0000001f 00000005 776f726c64 00000006 616e796f6e65';

describe('MultiRequest', () => {
  it('writes MultiHeader(type, false, -1) + request per op, then the terminator', () => {
    const ops: MultiOp[] = [
      { type: OpCode.create, request: { path: '/a', data: utf8('x'), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], flags: 0 } },
      { type: OpCode.setData, request: { path: '/a', data: null, version: 0 } },
      { type: OpCode.check, request: { path: '/a', version: 1 } },
      { type: OpCode.delete, request: { path: '/a', version: -1 } },
    ];
    const bytes = `
      00000001 00 ffffffff   00000002 2f61 00000001 78 ${openAcl} 00000000
      00000005 00 ffffffff   00000002 2f61 ffffffff 00000000
      0000000d 00 ffffffff   00000002 2f61 00000001
      00000002 00 ffffffff   00000002 2f61 ffffffff
      ${END}`;
    expect(toHex(encode(MultiRequest, ops))).toBe(hex(bytes));
    expect(decode(MultiRequest, fromHex(bytes))).toEqual(ops);
  });

  it('uses CreateRequest for create2 and createContainer, CreateTTLRequest for createTTL', () => {
    const ops: MultiOp[] = [
      { type: OpCode.create2, request: { path: '/b', data: null, acl: [], flags: 1 } },
      { type: OpCode.createContainer, request: { path: '/c', data: null, acl: [], flags: 4 } },
      { type: OpCode.createTTL, request: { path: '/t', data: null, acl: [], flags: 5, ttl: 1000n } },
    ];
    const bytes = `
      0000000f 00 ffffffff   00000002 2f62 ffffffff 00000000 00000001
      00000013 00 ffffffff   00000002 2f63 ffffffff 00000000 00000004
      00000015 00 ffffffff   00000002 2f74 ffffffff 00000000 00000005 00000000000003e8
      ${END}`;
    expect(toHex(encode(MultiRequest, ops))).toBe(hex(bytes));
    expect(decode(MultiRequest, fromHex(bytes))).toEqual(ops);
  });

  it('multiRead ops: getChildren and getData', () => {
    const ops: MultiOp[] = [
      { type: OpCode.getChildren, request: { path: '/', watch: false } },
      { type: OpCode.getData, request: { path: '/a', watch: true } },
    ];
    const bytes = `
      00000008 00 ffffffff   00000001 2f 00
      00000004 00 ffffffff   00000002 2f61 01
      ${END}`;
    expect(toHex(encode(MultiRequest, ops))).toBe(hex(bytes));
    expect(decode(MultiRequest, fromHex(bytes))).toEqual(ops);
  });

  it('an empty multi is only the terminator', () => {
    expect(toHex(encode(MultiRequest, []))).toBe(hex(END));
    expect(decode(MultiRequest, fromHex(END))).toEqual([]);
  });

  it('rejects an op type a multi may not carry', () => {
    // exists (3) is not allowed in a multi.
    expect(() => decode(MultiRequest, fromHex(`00000003 00 ffffffff 00000002 2f61 00 ${END}`))).toThrow(MarshallingError);
  });

  it('rejects a missing terminator and trailing bytes', () => {
    expect(() => decode(MultiRequest, fromHex('00000002 00 ffffffff 00000002 2f61 ffffffff'))).toThrow(MarshallingError);
    expect(() => decode(MultiRequest, fromHex(`${END} 00`))).toThrow(MarshallingError);
  });
});

describe('MultiResponse', () => {
  it('a successful multi: MultiHeader(type, false, 0) + response body per op', () => {
    const results: MultiResult[] = [
      { type: OpCode.create, path: '/a' },
      { type: OpCode.create2, path: '/b', stat },
      { type: OpCode.setData, stat },
      { type: OpCode.check },
      { type: OpCode.delete },
    ];
    const bytes = `
      00000001 00 00000000   00000002 2f61
      0000000f 00 00000000   00000002 2f62 ${statHex}
      00000005 00 00000000   ${statHex}
      0000000d 00 00000000
      00000002 00 00000000
      ${END}`;
    expect(toHex(encode(MultiResponse, results))).toBe(hex(bytes));
    expect(decode(MultiResponse, fromHex(bytes))).toEqual(results);
  });

  it('a failed multi: every result is type -1 with an ErrorResponse; before 0, failing op its code, after -2', () => {
    const results: MultiResult[] = [
      { type: OpCode.error, err: ErrorCode.OK },
      { type: OpCode.error, err: ErrorCode.NODEEXISTS },
      { type: OpCode.error, err: ErrorCode.RUNTIMEINCONSISTENCY },
      { type: OpCode.error, err: ErrorCode.RUNTIMEINCONSISTENCY },
    ];
    const bytes = `
      ffffffff 00 00000000   00000000
      ffffffff 00 ffffff92   ffffff92
      ffffffff 00 fffffffe   fffffffe
      ffffffff 00 fffffffe   fffffffe
      ${END}`;
    expect(toHex(encode(MultiResponse, results))).toBe(hex(bytes));
    expect(decode(MultiResponse, fromHex(bytes))).toEqual(results);
  });

  it('multiRead results: getChildren, getData and a per-op error', () => {
    const results: MultiResult[] = [
      { type: OpCode.getChildren, children: ['x', 'y'] },
      { type: OpCode.getData, data: utf8('v'), stat },
      { type: OpCode.error, err: ErrorCode.NONODE },
    ];
    const bytes = `
      00000008 00 00000000   00000002 00000001 78 00000001 79
      00000004 00 00000000   00000001 76 ${statHex}
      ffffffff 00 ffffff9b   ffffff9b
      ${END}`;
    expect(toHex(encode(MultiResponse, results))).toBe(hex(bytes));
    expect(decode(MultiResponse, fromHex(bytes))).toEqual(results);
  });

  it('createContainer and createTTL results carry a Create2Response', () => {
    const results: MultiResult[] = [
      { type: OpCode.createContainer, path: '/c', stat },
      { type: OpCode.createTTL, path: '/t', stat },
    ];
    const bytes = `
      00000013 00 00000000   00000002 2f63 ${statHex}
      00000015 00 00000000   00000002 2f74 ${statHex}
      ${END}`;
    expect(toHex(encode(MultiResponse, results))).toBe(hex(bytes));
    expect(decode(MultiResponse, fromHex(bytes))).toEqual(results);
  });

  it('rejects an unknown result type', () => {
    expect(() => decode(MultiResponse, fromHex(`00000003 00 00000000 ${END}`))).toThrow(MarshallingError);
  });

  it('rejects truncation anywhere', () => {
    const full = encode(MultiResponse, [{ type: OpCode.create, path: '/a' }, { type: OpCode.error, err: -2 }]);
    for (let cut = 0; cut < full.length; cut++) {
      expect(() => decode(MultiResponse, full.subarray(0, cut))).toThrow(MarshallingError);
    }
  });
});
