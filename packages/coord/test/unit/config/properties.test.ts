import { describe, expect, it } from 'vitest';
import { PropertiesSyntaxError, readProperties } from '../../../src/config/index.js';

/** Java Properties.load rules, as ZooKeeper reads zoo.cfg (then trims key and value). */
describe('readProperties', () => {
  const pairs = (text: string) => readProperties(text).map((e) => [e.key, e.value, e.line]);

  it('reads key=value, key:value and key value, trimming like ZooKeeper', () => {
    expect(pairs('a=1\nb:2\nc 3\n  d =  4  \ne\t=\t5\n')).toEqual([
      ['a', '1', 1], ['b', '2', 2], ['c', '3', 3], ['d', '4', 4], ['e', '5', 5],
    ]);
  });

  it('skips blank lines and # or ! comments, but only at the start of a line', () => {
    expect(pairs('# comment\n\n   ! also\n\t\na=1 # not a comment\n')).toEqual([['a', '1 # not a comment', 5]]);
  });

  it('keeps only the first separator; later = and : are part of the value', () => {
    expect(pairs('server.1=host:2888:3888;2181\nk==v\n')).toEqual([['server.1', 'host:2888:3888;2181', 1], ['k', '=v', 2]]);
  });

  it('continues lines ending in an odd number of backslashes, reporting the first line', () => {
    expect(pairs('list=a,\\\n    b,\\\n  c\nnext=1\n')).toEqual([['list', 'a,b,c', 1], ['next', '1', 4]]);
    expect(pairs('path=C:\\\\\nnext=1\n')).toEqual([['path', 'C:\\', 1], ['next', '1', 2]]);
  });

  it('does not continue comment lines', () => {
    expect(pairs('# comment \\\na=1\n')).toEqual([['a', '1', 2]]);
  });

  it('resolves escapes in keys and values', () => {
    expect(pairs('my\\ key=a\\tb\\u0041\\:\n')).toEqual([['my key', 'a\tbA:', 1]]);
  });

  it('accepts \\r\\n and \\r line ends and a BOM', () => {
    expect(pairs('\uFEFFa=1\r\nb=2\rc=3')).toEqual([['a', '1', 1], ['b', '2', 2], ['c', '3', 3]]);
  });

  it('keeps a key with no value as an empty value', () => {
    expect(pairs('empty\nempty2=\n')).toEqual([['empty', '', 1], ['empty2', '', 2]]);
  });

  it('refuses a malformed \\u escape with its line', () => {
    expect(() => readProperties('a=1\nb=\\u12\n')).toThrow(PropertiesSyntaxError);
    expect(() => readProperties('a=1\nb=\\u12\n')).toThrow(/line 2/);
  });
});
