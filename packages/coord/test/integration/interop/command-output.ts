/** One CLI command of a scripted session and the lines it printed (watch events taken out). */
export interface CommandOutput {
  readonly command: string;
  readonly output: readonly string[];
}

/** The output of the n-th (1-based) run of `command` in a session (for targeted assertions). */
export function outputOf(outputs: readonly CommandOutput[], command: string, occurrence = 1): readonly string[] {
  const found = outputs.filter((o) => o.command === command)[occurrence - 1];
  if (found === undefined) throw new Error(`no run ${occurrence} of ${JSON.stringify(command)} in the transcript`);
  return found.output;
}
