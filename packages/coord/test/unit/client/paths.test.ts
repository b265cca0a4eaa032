import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadArgumentsError } from '../../../src/errors/errors.js';
import { addChroot, joinPath, parentOf, pathProblem, stripChroot, validatePath } from '../../../src/util/paths.js';

const SEED = 20_240_611;

describe('validatePath', () => {
  it.each(['/', '/a', '/a/b/c', '/a-b_c.d', '/...', '/a/.b', '/a/b..', '/zookeeper/quota', '/ä/日本', '/a b', '/a:b@c'])('accepts %j', (path) => {
    expect(validatePath(path)).toBe(path);
    expect(pathProblem(path)).toBeUndefined();
  });

  it.each([
    ['', 'path must not be empty'],
    ['a', 'path must start with /'],
    ['a/b', 'path must start with /'],
    ['/a/', 'path must not end with /'],
    ['//', 'path must not end with /'],
    ['/a//b', 'empty segment at position 2'],
    ['/a/.', 'relative segment "." is not allowed'],
    ['/a/./b', 'relative segment "." is not allowed'],
    ['/a/..', 'relative segment ".." is not allowed'],
    ['/../a', 'relative segment ".." is not allowed'],
    ['/a\u0000b', 'null character at index 2'],
    ['/a\u0001', 'invalid character \\u0001 at index 2'],
    ['/a\u001f', 'invalid character \\u001f'],
    ['/a\u007f', 'invalid character \\u007f'],
    ['/a\u009f', 'invalid character \\u009f'],
    ['/a\ud800', 'invalid character \\ud800'],
    ['/a\uf8ff', 'invalid character \\uf8ff'],
    ['/a\ufff0', 'invalid character \\ufff0'],
    ['/a\uffff', 'invalid character \\uffff'],
  ])('rejects %j: %s', (path, problem) => {
    expect(pathProblem(path)).toContain(problem);
    let thrown: unknown;
    try {
      validatePath(path);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadArgumentsError);
    expect((thrown as BadArgumentsError).path).toBe(path);
    expect((thrown as Error).message).toBe(`invalid path ${JSON.stringify(path)}: ${pathProblem(path)}`);
  });

  it('rejects a value that is not a string without throwing a TypeError', () => {
    expect(() => validatePath(undefined as unknown as string)).toThrow(BadArgumentsError);
    expect(() => validatePath(42 as unknown as string)).toThrow(BadArgumentsError);
  });

  it('lets a sequential path end in "/" (the server appends the counter), nothing more', () => {
    expect(validatePath('/queue/', true)).toBe('/queue/');
    expect(validatePath('/', true)).toBe('/');
    expect(validatePath('/queue/item-', true)).toBe('/queue/item-');
    expect(() => validatePath('/queue/', false)).toThrow(BadArgumentsError);
    expect(() => validatePath('/queue//', true)).toThrow(/empty segment/);
    expect(() => validatePath('queue/', true)).toThrow(/start with/);
  });
});

describe('chroot', () => {
  it('adds the chroot to a client path', () => {
    expect(addChroot(undefined, '/x')).toBe('/x');
    expect(addChroot('/app', '/')).toBe('/app');
    expect(addChroot('/app', '/x')).toBe('/app/x');
    expect(addChroot('/app/sub', '/x/y')).toBe('/app/sub/x/y');
  });

  it('strips the chroot from a server path; paths outside it are left alone', () => {
    expect(stripChroot(undefined, '/app/x')).toBe('/app/x');
    expect(stripChroot('/app', '/app')).toBe('/');
    expect(stripChroot('/app', '/app/x/y')).toBe('/x/y');
    // A sibling that merely shares the prefix is not inside the chroot.
    expect(stripChroot('/app', '/application/x')).toBe('/application/x');
    expect(stripChroot('/app', '/other')).toBe('/other');
    expect(stripChroot('/app', '/')).toBe('/');
  });

  const segment = fc.stringMatching(/^[a-z0-9._-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
  const path = fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`);
  const chroot = fc.option(fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => `/${parts.join('/')}`), { nil: undefined });

  it('strip(add(p)) is p, and add keeps every path valid', () => {
    fc.assert(
      fc.property(chroot, path, (root, p) => {
        const server = addChroot(root, p);
        expect(pathProblem(server)).toBeUndefined();
        expect(stripChroot(root, server)).toBe(p);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('parentOf / joinPath', () => {
  it('walks up and down the tree', () => {
    expect(parentOf('/a/b/c')).toBe('/a/b');
    expect(parentOf('/a')).toBe('/');
    expect(parentOf('/')).toBe('/');
    expect(joinPath('/', 'a')).toBe('/a');
    expect(joinPath('/a', 'b')).toBe('/a/b');
  });
});
