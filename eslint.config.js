// Lint rules for the whole workspace. The "pure core" block enforces DESIGN.md rule 1:
// the codec and other pure modules take time and randomness as inputs, never from the host.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureCoreFiles = [
  'packages/coord/src/jute/**/*.ts',
  'packages/coord/src/server/prep*.ts',
  'packages/coord/src/server/apply*.ts',
  'packages/coord/src/server/reads.ts',
  'packages/coord/src/server/data-tree.ts',
  'packages/coord/src/server/watch-table.ts',
  'packages/coord/src/server/acl.ts',
  'packages/coord/src/server/sessions.ts',
  'packages/coord/src/server/pending-changes.ts',
  'packages/coord/src/server/ephemeral-type.ts',
  'packages/coord/src/server/session-password.ts',
  'packages/coord/src/server/txn.ts',
  'packages/coord/src/server/egress.ts',
  'packages/coord/src/server/write-requests.ts',
  'packages/coord/src/server/write-txn.ts',
  'packages/coord/src/quorum/core/**/*.ts',
  'packages/coord/src/quorum/wire/**/*.ts',
  // The simulator: every choice comes from its seeded PRNG and its virtual clock (its CLI is the shell).
  'packages/coord/src/testing/sim/*.ts',
  'packages/coord/src/recipes/**/pure/**/*.ts',
  'packages/coord/src/config/**/*.ts',
  'packages/coord/src/server/persistence/checksum.ts',
  'packages/coord/src/server/persistence/java-hash-order.ts',
  'packages/coord/src/server/persistence/digest.ts',
  'packages/coord/src/server/persistence/byte-cursor.ts',
  'packages/coord/src/server/persistence/txn-codec.ts',
  'packages/coord/src/server/persistence/txn-log-format.ts',
  'packages/coord/src/server/persistence/snapshot-format.ts',
  'packages/coord/src/server/persistence/snapshot-tree.ts',
  'packages/coord/src/server/persistence/replay.ts',
  'packages/coord/src/server/persistence/file-names.ts',
  'packages/coord/src/server/persistence/errors.ts',
];

const hostModules = ['net', 'fs', 'fs/promises', 'dgram', 'http', 'https', 'timers', 'timers/promises', 'child_process', 'tls', 'worker_threads', 'crypto'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', queueMicrotask: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' }],
      'no-throw-literal': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: pureCoreFiles,
    ignores: ['packages/coord/src/testing/sim/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: hostModules.flatMap((m) => [
          { name: m, message: 'Pure core: no I/O (DESIGN.md rule 1).' },
          { name: `node:${m}`, message: 'Pure core: no I/O (DESIGN.md rule 1).' },
        ]),
      }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Pure core: timers are passed in.' },
        { name: 'setInterval', message: 'Pure core: timers are passed in.' },
        { name: 'setImmediate', message: 'Pure core: timers are passed in.' },
        { name: 'process', message: 'Pure core: no process state.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Pure core: time is passed in.' },
        { object: 'Math', property: 'random', message: 'Pure core: randomness is passed in.' },
        { object: 'performance', property: 'now', message: 'Pure core: time is passed in.' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pure core: time is passed in.' },
      ],
    },
  },
);
