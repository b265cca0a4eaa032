/**
 * The client guide's examples, run for real: each program in docs/examples runs as a child
 * process against Apache ZooKeeper, and must exit 0 printing exactly the output the guide shows.
 * The guide's copy of each program must match the file. So neither the code nor the guide can rot.
 *
 * In docs/client.md an example appears as
 *
 *   <!-- example: name.ts -->   followed by a ```ts block holding the file, and
 *   <!-- output: name.ts -->    followed by a ```text block holding what it prints.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runExample, runNode, type RunResult } from './docs-runner.js';
import { apacheZooKeeperAvailable, startApacheZooKeeper, type ApacheZooKeeper } from '../../src/testing/index.js';

const available = apacheZooKeeperAvailable();
if (!available) {
  if (process.env['CI'] === 'true') throw new Error('Apache ZooKeeper is required in CI: apt-get install -y zookeeper');
  console.warn('SKIPPING docs examples tests: Apache ZooKeeper not installed (apt-get install -y zookeeper, or set ZOOKEEPER_HOME)');
}

const examplesDir = join(repoRoot, 'docs', 'examples');
// The client guide, the server guide and the recipes cookbook each show the examples they use.
const guide = ['client.md', 'server.md', 'recipes.md'].map((f) => readFileSync(join(repoRoot, 'docs', f), 'utf8')).join('\n');

/** The fenced block that follows `<!-- kind: name -->` in the guide, or undefined. */
function guideBlock(kind: 'example' | 'output', name: string): string | undefined {
  const marker = `<!-- ${kind}: ${name} -->`;
  const at = guide.indexOf(marker);
  if (at < 0) return undefined;
  const match = /^\s*```[a-z]*\n([\s\S]*?)^```/m.exec(guide.slice(at + marker.length));
  return match?.[1];
}

/** `node --import tsx docs/examples/<file>` against the server at `connectString`. */
function runExampleAgainst(file: string, connectString: string): Promise<RunResult> {
  return runExample(file, { COORD_CONNECT: connectString });
}

const examples = readdirSync(examplesDir)
  .filter((name) => name.endsWith('.ts'))
  .sort();

describe('docs/examples in the client guide', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  // tsx strips types without checking them, so the type check is a step of its own.
  it('the examples type-check against the public API (docs/examples/tsconfig.json)', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = await runNode('tsc', [tsc, '-p', join('docs', 'examples', 'tsconfig.json')]);
    expect({ code: result.code, output: result.stdout + result.stderr }).toEqual({ code: 0, output: '' });
  });

  it.each(examples)('a guide (client, server or recipes) shows %s exactly as the file has it', (file) => {
    const shown = guideBlock('example', file);
    expect(shown, `the guides have no "<!-- example: ${file} -->" block`).toBeDefined();
    expect(shown).toBe(readFileSync(join(examplesDir, file), 'utf8'));
    expect(guideBlock('output', file), `the guides have no "<!-- output: ${file} -->" block`).toBeDefined();
  });
});

describe.skipIf(!available)('docs/examples against Apache ZooKeeper', () => { // requires Apache ZooKeeper; skips only outside CI
  let zk: ApacheZooKeeper;

  beforeAll(async () => {
    zk = await startApacheZooKeeper();
  });

  afterAll(async () => {
    await zk?.stop();
  });

  it.each(examples)('%s exits 0 and prints what the guide shows', async (file) => {
    const expected = guideBlock('output', file);
    const result = await runExampleAgainst(file, zk.connectString);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 0, stdout: expected, stderr: '' });
  });

  it('the examples run again, all at once, on the same server (each cleans up and keeps to its own paths)', async () => {
    const results = await Promise.all(examples.map((file) => runExampleAgainst(file, zk.connectString)));
    expect(results.map((r) => ({ code: r.code, stdout: r.stdout }))).toEqual(examples.map((file) => ({ code: 0, stdout: guideBlock('output', file) })));
  });
});
