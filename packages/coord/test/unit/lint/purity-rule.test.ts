import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// DESIGN.md rule 1 is enforced by the lint config; this proves the config really catches
// each kind of impurity in the pure cores and leaves the shells alone.
const root = fileURLToPath(new URL('../../../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const impure: [string, string, string][] = [
  ['a socket import', "import net from 'node:net';\nexport const n = net;\n", 'no-restricted-imports'],
  ['an fs import', "import { readFileSync } from 'fs';\nexport const r = readFileSync;\n", 'no-restricted-imports'],
  ['Date.now()', 'export const t = Date.now();\n', 'no-restricted-properties'],
  ['Math.random()', 'export const r = Math.random();\n', 'no-restricted-properties'],
  ['a timer', 'export const h = setTimeout(() => undefined, 1);\n', 'no-restricted-globals'],
  ['new Date()', 'export const d = new Date();\n', 'no-restricted-syntax'],
];

describe('purity lint rule (DESIGN.md rule 1)', () => {
  for (const dir of ['packages/coord/src/jute/records', 'packages/coord/src/quorum/core', 'packages/coord/src/server']) {
    const file = dir.endsWith('server') ? `${dir}/prep-create.ts` : `${dir}/probe.ts`;
    for (const [what, code, rule] of impure) {
      it(`rejects ${what} in ${file}`, async () => {
        expect(await ruleIds(code, file)).toContain(rule);
      });
    }
  }

  it('allows the same code in the client shell', async () => {
    for (const [, code] of impure) {
      const ids = await ruleIds(code, 'packages/coord/src/client/probe.ts');
      expect(ids.filter((id) => id.startsWith('no-restricted'))).toEqual([]);
    }
  });
});
