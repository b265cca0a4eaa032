#!/usr/bin/env node
// The `coord` command. Each subcommand lives in its own module and registers itself here.
import { Command } from 'commander';
import { registerShellCommand } from './shell/command.js';
import { registerBenchCommand } from './bench/command.js';
import { registerServerCommand } from './server/command.js';
import { registerDrillCommand } from './drill/command.js';
import { registerEnsembleCommand } from './ensemble/command.js';

const program = new Command();
program
  .name('coord')
  .description('coordlab: ZooKeeper-compatible coordination tools')
  .showHelpAfterError('(run with --help for usage)');

registerShellCommand(program);
registerBenchCommand(program);
registerServerCommand(program);
registerDrillCommand(program);
registerEnsembleCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`coord: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
