import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shared by the tests that run the guides' examples, so the examples cannot rot. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const RUN_TIMEOUT_MS = 30_000;

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` from the repository root and collects its output. */
export function runNode(what: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${RUN_TIMEOUT_MS} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * `node --import tsx docs/examples/<file>` from the repository root, as the guides say to run it.
 * The examples' tsconfig maps @coordlab/coord to the sources, so no build is needed.
 */
export function runExample(file: string, env: Readonly<Record<string, string>> = {}): Promise<RunResult> {
  return runNode(file, ['--import', 'tsx', join('docs', 'examples', file)], { ...process.env, ...env, TSX_TSCONFIG_PATH: join('docs', 'examples', 'tsconfig.json') });
}
