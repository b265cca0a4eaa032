import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startEnsembleWith, type MemberLauncher } from './ensemble.js';
import type { EnsembleHandle, StartCoordEnsembleOptions } from './types.js';

/**
 * `<package>/dist/cli/main.js`: this file is `src/testing/ensemble/coord.ts` under vitest and
 * `dist/testing/ensemble/coord.js` once built; both are three levels below the package root.
 */
export function defaultCoordMainJs(): string {
  return fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
}

/**
 * A local coord ensemble: one `node <main.js> server <zoo.cfg>` process per member, otherwise
 * exactly as startApacheEnsemble (same zoo.cfg, ports, proxy mesh, readiness via srvr).
 * Needs a build (`npx tsc -b`): members run the compiled CLI.
 */
export async function startEnsemble(options: StartCoordEnsembleOptions): Promise<EnsembleHandle> {
  const mainJs = options.mainJs ?? defaultCoordMainJs();
  if (!existsSync(mainJs)) throw new Error(`coord CLI not found at ${mainJs}: run \`npx tsc -b\` (or npm run build) first`);
  const level = options.logLevel ?? 'warn';
  const launcher: MemberLauncher = {
    kind: 'coord',
    describe: `coord (node ${mainJs} server)`,
    spec: (configFile, memberDir) =>
      Promise.resolve({ command: process.execPath, args: [mainJs, 'server', configFile, '--log-level', level], cwd: memberDir }),
  };
  return startEnsembleWith(launcher, options);
}
