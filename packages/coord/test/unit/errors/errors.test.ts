import { describe, expect, it } from 'vitest';
import { ErrorCode, errorCodeName, isKnownErrorCode, isRetriableCode, type ErrorCodeName } from '../../../src/errors/codes.js';
import {
  BadVersionError,
  ConnectionLossError,
  CoordError,
  MarshallingError,
  NoNodeError,
  NodeExistsError,
  SessionExpiredError,
  errorFromCode,
} from '../../../src/errors/errors.js';
import * as errors from '../../../src/errors/errors.js';

/**
 * KeeperException.Code as listed in the protocol reference §1.5, written out independently of
 * src/errors so a typo in either shows up here.
 */
const zookeeperCodes: Record<ErrorCodeName, number> = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
};

/** Codes ZooKeeper leaves unused (reference §1.5): they must not be mistaken for known ones. */
const unusedCodes = [-9, -10, -11, -15, -99, -104, -105, -106, -107, -109, -116, -117, -126, -128, 1, 100];

const retriable: readonly ErrorCodeName[] = ['CONNECTIONLOSS', 'OPERATIONTIMEOUT', 'SESSIONEXPIRED', 'SESSIONMOVED', 'THROTTLEDOP', 'REQUESTTIMEOUT'];

const entries = Object.entries(ErrorCode) as [ErrorCodeName, number][];

describe('ErrorCode', () => {
  it("matches ZooKeeper's numeric table exactly", () => {
    expect({ ...ErrorCode }).toEqual(zookeeperCodes);
  });

  it('has no duplicate numbers', () => {
    expect(new Set(Object.values(ErrorCode)).size).toBe(entries.length);
  });

  it('names codes both ways and knows which are known', () => {
    for (const [name, code] of entries) {
      expect(errorCodeName(code)).toBe(name);
      expect(isKnownErrorCode(code)).toBe(true);
    }
    for (const code of unusedCodes) {
      expect(errorCodeName(code)).toBe('UNKNOWN');
      expect(isKnownErrorCode(code)).toBe(false);
    }
  });

  it('marks exactly the retriable codes retriable', () => {
    for (const [name, code] of entries) {
      expect(isRetriableCode(code), name).toBe(retriable.includes(name));
    }
  });
});

describe('errorFromCode', () => {
  it.each(entries)('%s (%d) gives an error with matching code and codeName', (name, code) => {
    const err = errorFromCode(code);
    expect(err).toBeInstanceOf(CoordError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.codeName).toBe(name);
    expect(err.retriable).toBe(retriable.includes(name));
    expect(err.message).toContain(name);
  });

  it('gives a dedicated subclass for every non-OK code, each with a static code and its own name', () => {
    const classes = Object.entries(errors).filter(
      (entry): entry is [string, typeof CoordError & { readonly code: number }] =>
        typeof entry[1] === 'function' && entry[1].prototype instanceof CoordError && 'code' in entry[1] &&
        // A specialisation of ConnectionLossError, not a class of its own code (tested below).
        entry[1] !== errors.ClientClosedError,
    );
    const byCode = new Map(classes.map(([className, cls]) => [cls.code, className]));
    for (const [name, code] of entries) {
      if (code === ErrorCode.OK) continue;
      const className = byCode.get(code);
      expect(className, `no class for ${name}`).toBeDefined();
      const err = errorFromCode(code);
      expect(err.constructor.name).toBe(className);
      expect(err.name).toBe(className);
      expect(Object.getPrototypeOf(err)).not.toBe(CoordError.prototype);
    }
    expect(byCode.size).toBe(entries.length - 1);
  });

  it('ClientClosedError is a ConnectionLossError that no retry can fix', () => {
    const err = new errors.ClientClosedError({ path: '/a' });
    expect(err).toBeInstanceOf(errors.ConnectionLossError);
    expect(err.code).toBe(ErrorCode.CONNECTIONLOSS);
    expect(err.retriable).toBe(false);
    expect(err.path).toBe('/a');
    expect(err.message).toContain('closed');
  });

  it('OK has no subclass: it is a plain CoordError', () => {
    const ok = errorFromCode(ErrorCode.OK);
    expect(Object.getPrototypeOf(ok)).toBe(CoordError.prototype);
    expect(ok.codeName).toBe('OK');
  });

  it('an unknown code gives a CoordError named UNKNOWN that keeps the number', () => {
    for (const code of unusedCodes) {
      const err = errorFromCode(code);
      expect(Object.getPrototypeOf(err)).toBe(CoordError.prototype);
      expect(err.code).toBe(code);
      expect(err.codeName).toBe('UNKNOWN');
      expect(err.retriable).toBe(false);
      expect(err.message).toContain(String(code));
    }
  });

  it('carries path, message and cause', () => {
    const cause = new Error('socket closed');
    const err = errorFromCode(ErrorCode.NONODE, { path: '/a/b', cause });
    expect(err.path).toBe('/a/b');
    expect(err.message).toBe('NONODE (-101) for /a/b');
    expect(err.cause).toBe(cause);
    expect(errorFromCode(ErrorCode.NONODE, { message: 'custom' }).message).toBe('custom');
    expect(errorFromCode(ErrorCode.NONODE).path).toBeUndefined();
  });
});

describe('typed errors', () => {
  it('instanceof works through the hierarchy', () => {
    const err = new NoNodeError({ path: '/x' });
    expect(err).toBeInstanceOf(NoNodeError);
    expect(err).toBeInstanceOf(CoordError);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(NodeExistsError);
    expect(errorFromCode(ErrorCode.NONODE)).toBeInstanceOf(NoNodeError);
    expect(errorFromCode(ErrorCode.MARSHALLINGERROR)).toBeInstanceOf(MarshallingError);
  });

  it('has the class name as name and a stack', () => {
    const err = new BadVersionError();
    expect(err.name).toBe('BadVersionError');
    expect(err.stack).toContain('BadVersionError');
  });

  it.each([
    { ErrorClass: ConnectionLossError, expected: true },
    { ErrorClass: SessionExpiredError, expected: true },
    { ErrorClass: NoNodeError, expected: false },
    { ErrorClass: NodeExistsError, expected: false },
    { ErrorClass: BadVersionError, expected: false },
  ])('$ErrorClass.name retriable is $expected', ({ ErrorClass, expected }) => {
    expect(new ErrorClass().retriable).toBe(expected);
  });

  it('classes expose their code statically', () => {
    expect(NoNodeError.code).toBe(-101);
    expect(MarshallingError.code).toBe(-5);
    expect(new MarshallingError().code).toBe(-5);
  });

  it('a CoordError built directly resolves its name from the table', () => {
    const err = new CoordError(-103);
    expect(err.codeName).toBe('BADVERSION');
    expect(err.name).toBe('CoordError');
  });
});
