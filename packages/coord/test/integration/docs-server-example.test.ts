/**
 * The server guide (docs/server.md) checked against the code, so neither can rot:
 * - docs/examples/embedded-server.ts runs as a child process, exactly as the guide says to run it,
 *   and must exit 0 printing exactly what the guide shows; the guide's copy must match the file;
 * - every ```properties block of the guide is a zoo.cfg that the real parser (parseZooCfg) accepts
 *   without a warning, and together they name every key coord understands.
 *
 * The example starts its own embedded server, so nothing here needs Apache ZooKeeper.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runExample } from './docs-runner.js';
import { describe, expect, it } from 'vitest';
import { KEYS, parseZooCfg, type KeyName } from '../../src/config/index.js';

const guide = readFileSync(join(repoRoot, 'docs', 'server.md'), 'utf8');
const EXAMPLE = 'embedded-server.ts';

/** The fenced block that follows `<!-- kind: name -->` in the guide, or undefined. */
function guideBlock(kind: 'example' | 'output', name: string): string | undefined {
  const marker = `<!-- ${kind}: ${name} -->`;
  const at = guide.indexOf(marker);
  if (at < 0) return undefined;
  const match = /^\s*```[a-z]*\n([\s\S]*?)^```/m.exec(guide.slice(at + marker.length));
  return match?.[1];
}

/** Every ```properties block of the guide, with the line its text starts on. */
function propertiesBlocks(): { line: number; text: string }[] {
  const blocks: { line: number; text: string }[] = [];
  for (const m of guide.matchAll(/^```properties\n([\s\S]*?)^```/gm)) {
    blocks.push({ line: guide.slice(0, m.index).split('\n').length + 1, text: m[1] ?? '' });
  }
  return blocks;
}


describe('docs/server.md: the embedded server example', () => {
  it(`shows docs/examples/${EXAMPLE} exactly as the file has it`, () => {
    const shown = guideBlock('example', EXAMPLE);
    expect(shown, `docs/server.md has no "<!-- example: ${EXAMPLE} -->" block`).toBeDefined();
    expect(shown).toBe(readFileSync(join(repoRoot, 'docs', 'examples', EXAMPLE), 'utf8'));
  });

  it(`${EXAMPLE} exits 0 and prints what the guide shows`, async () => {
    const expected = guideBlock('output', EXAMPLE);
    expect(expected, `docs/server.md has no "<!-- output: ${EXAMPLE} -->" block`).toBeDefined();
    const result = await runExample(EXAMPLE);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 0, stdout: expected, stderr: '' });
  });
});

describe('docs/server.md: zoo.cfg blocks', () => {
  const blocks = propertiesBlocks();

  it('has zoo.cfg blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
  });

  it.each(blocks.map((b) => [b.line, b.text] as const))('the block at line %i parses without errors or warnings', (line, text) => {
    // A block without dataDir is a configuration for `coord server --in-memory`.
    const inMemory = !/^\s*dataDir\s*[=:\s]/m.test(text);
    const { warnings } = parseZooCfg(text, { file: `docs/server.md:${line}`, inMemory });
    expect(warnings.map((w) => w.message)).toEqual([]);
  });

  it('together they name every zoo.cfg key coord understands', () => {
    const named = new Set(blocks.flatMap((b) => [...b.text.matchAll(/^\s*([^#!\s=:]+)\s*[=:]/gm)].map((m) => m[1])));
    const missing = (Object.keys(KEYS) as KeyName[]).map((name) => KEYS[name].key).filter((key) => !named.has(key));
    expect(missing).toEqual([]);
  });
});
