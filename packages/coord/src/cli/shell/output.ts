import type { Writable } from 'node:stream';
import type { ShellOutput } from './spec.js';

/** Hooks an interactive prompt installs so that output arriving while it waits does not garble it. */
export interface PromptGuard {
  /** Clear the prompt line. */
  before(): void;
  /** Draw the prompt and what the user had typed again. */
  after(): void;
}

/**
 * stdout/stderr for the shell. Command output is written while no prompt is shown; watch events
 * and connection notices arrive at any time, so while the prompt waits they are written around it.
 */
export class ConsoleOutput implements ShellOutput {
  private guard: PromptGuard | undefined;
  private silenced = false;

  constructor(
    private readonly stdout: Writable,
    private readonly stderr: Writable,
  ) {}

  out(line: string): void {
    this.write(this.stdout, line);
  }

  err(line: string): void {
    this.write(this.stderr, line);
  }

  /** Set while a prompt waits for input; undefined while a command runs. */
  setPromptGuard(guard: PromptGuard | undefined): void {
    this.guard = guard;
  }

  /** Drops all further output (stdout was closed under us: nothing written now can be read). */
  silence(): void {
    this.silenced = true;
  }

  private write(stream: Writable, line: string): void {
    if (this.silenced) return;
    const guard = this.guard;
    guard?.before();
    stream.write(`${line}\n`);
    guard?.after();
  }
}
