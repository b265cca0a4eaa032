/**
 * The last N lines of a child process's output, kept in memory so a failure message can quote
 * them without the process having to log to a file we would then have to find and read.
 */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly maxLines: number) {}

  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
    // A process that never ends its line (or prints a huge one) must not grow this unboundedly.
    if (this.partial.length > 8_192) {
      this.add(this.partial);
      this.partial = '';
    }
  }

  private add(line: string): void {
    this.lines.push(line.replace(/\r$/, ''));
    if (this.lines.length > this.maxLines) this.lines.shift();
  }

  text(): string {
    const all = this.partial === '' ? this.lines : [...this.lines, this.partial];
    return all.join('\n');
  }
}
