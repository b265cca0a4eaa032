import { parseArgs } from 'node:util';
import { peerCoreFactory } from './core-factory.js';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import { runSeed, type SimOptions } from './run.js';

/**
 * `npm run sim -- --seeds 1000` runs seeds 1..1000 and exits 1 if any broke an invariant;
 * `npm run sim -- --seed 17` replays one seed exactly and prints its whole trace.
 */
const HELP = `Deterministic simulation of a coord ensemble (PeerCore under simulated network, disk and clients).

Usage:
  npm run sim -- --seeds N [--from S]   run seeds S..S+N-1 (S defaults to 1); exit 1 on any violation
  npm run sim -- --seed N               replay seed N and print its full trace
Options:
  --peers 3|5          participants (default 3)
  --observers K        observers (default 0)
  --faults LIST        'swarm' (default: a random subset per seed), 'none', or a comma list of:
                       ${FAULT_KINDS.join(', ')}
  --committed-log N    the leader's committed-log size (default: drawn per seed from 8, 50, 500)
  --tail N             with --seeds: trace lines to print for each failing seed (default 40)
  --help               this text`;

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string' },
      seed: { type: 'string' },
      from: { type: 'string' },
      peers: { type: 'string' },
      observers: { type: 'string' },
      faults: { type: 'string' },
      tail: { type: 'string' },
      'committed-log': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true || (values.seeds === undefined && values.seed === undefined)) {
    console.log(HELP);
    return values.help === true ? 0 : 2;
  }
  const peers = int(values.peers ?? '3', 'peers');
  const observers = int(values.observers ?? '0', 'observers');
  const faults = parseFaults(values.faults ?? 'swarm');
  const committedLog = values['committed-log'] === undefined ? undefined : int(values['committed-log'], 'committed-log');
  const base: SimOptions = { makeCore: peerCoreFactory, peers, observers, faults, ...(committedLog === undefined ? {} : { committedLogSize: committedLog }) };
  const flags = [peers !== 3 ? `--peers ${peers}` : '', observers !== 0 ? `--observers ${observers}` : '', values.faults !== undefined && values.faults !== 'swarm' ? `--faults ${values.faults}` : '', committedLog !== undefined ? `--committed-log ${committedLog}` : '']
    .filter((f) => f !== '')
    .join(' ');
  const replay = (seed: number): string => `npm run sim -- --seed ${seed}${flags === '' ? '' : ` ${flags}`}`;

  if (values.seed !== undefined) {
    const seed = int(values.seed, 'seed');
    const r = runSeed(seed, { ...base, trace: 'full' });
    for (const line of r.trace) console.log(line);
    console.log('');
    console.log(`seed ${seed}: ${r.stats.steps} steps, ${r.stats.virtualMs} virtual ms, ${r.stats.writesAcked} writes acked, ${r.stats.indeterminate} indeterminate, ${r.stats.leaderChanges} leader changes, ${r.stats.crashes} crashes, ${r.stats.packets} packets, ${r.stats.fsyncs} fsyncs`);
    if (r.violations.length === 0) {
      console.log(`seed ${seed}: ok`);
      return 0;
    }
    console.log(`seed ${seed}: ${r.violations.length} violation(s):`);
    for (const v of r.violations) console.log(`  ${v}`);
    return 1;
  }

  const count = int(values.seeds as string, 'seeds');
  const from = int(values.from ?? '1', 'from');
  const tail = int(values.tail ?? '40', 'tail');
  const started = performance.now();
  const totals = { steps: 0, acked: 0, leaderChanges: 0, crashes: 0, virtualMs: 0 };
  const failed: number[] = [];
  let violations = 0;
  for (let i = 0; i < count; i++) {
    const seed = from + i;
    const r = runSeed(seed, { ...base, trace: 'tail' });
    totals.steps += r.stats.steps;
    totals.acked += r.stats.writesAcked;
    totals.leaderChanges += r.stats.leaderChanges;
    totals.crashes += r.stats.crashes;
    totals.virtualMs += r.stats.virtualMs;
    if (r.violations.length > 0) {
      failed.push(seed);
      violations += r.violations.length;
      console.log(`seed ${seed} FAILED (${r.stats.profile}):`);
      for (const v of r.violations) console.log(`  ${v}`);
      console.log('  last trace lines:');
      for (const line of r.trace.slice(-tail)) console.log(`    ${line}`);
      console.log(`  replay: ${replay(seed)}`);
    }
    if ((i + 1) % 50 === 0 || i + 1 === count) {
      console.log(`… ${i + 1}/${count} seeds, ${failed.length} failing, ${((performance.now() - started) / 1000).toFixed(1)}s`);
    }
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log('');
  console.log(`sim: ${count} seeds (${from}..${from + count - 1}), ${peers} participants${observers > 0 ? ` + ${observers} observers` : ''}, in ${secs}s`);
  console.log(`  violations: ${violations} in ${failed.length} seeds${failed.length > 0 ? ` (${failed.slice(0, 20).join(' ')}${failed.length > 20 ? ' …' : ''})` : ''}`);
  console.log(`  steps: ${totals.steps}, virtual time: ${(totals.virtualMs / 1000).toFixed(0)}s`);
  console.log(`  writes acked: ${totals.acked}, leader changes: ${totals.leaderChanges}, crashes: ${totals.crashes}`);
  if (failed.length > 0) console.log(`  replay the first: ${replay(failed[0] as number)}`);
  return failed.length > 0 ? 1 : 0;
}

function int(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`--${what} needs a whole number, not ${JSON.stringify(text)}`);
  return n;
}

function parseFaults(text: string): SimOptions['faults'] {
  if (text === 'swarm' || text === 'none') return text;
  const kinds = text.split(',').map((k) => k.trim());
  for (const k of kinds) if (!(FAULT_KINDS as readonly string[]).includes(k)) throw new RangeError(`unknown fault kind ${k}; known: ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
}
