/**
 * The run's readable timeline (`t=1234ms p2 LEADING epoch 3`). In full mode every line is kept
 * (`--seed N` prints them); in tail mode only the last `tailLines`, so thousands of seeds do not
 * hold every timeline in memory but a failing one still shows what led up to it.
 */
export class Trace {
  private readonly lines: string[] = [];
  private dropped = 0;

  constructor(
    private readonly clock: () => number,
    private readonly full: boolean,
    private readonly tailLines = 400,
  ) {}

  add(line: string): void {
    this.lines.push(`t=${this.clock()}ms ${line}`);
    if (!this.full && this.lines.length > this.tailLines * 2) {
      const cut = this.lines.length - this.tailLines;
      this.lines.splice(0, cut);
      this.dropped += cut;
    }
  }

  result(): string[] {
    if (this.full || this.lines.length <= this.tailLines) return this.dropped === 0 ? [...this.lines] : [`… ${this.dropped} earlier lines`, ...this.lines];
    const cut = this.lines.length - this.tailLines;
    return [`… ${this.dropped + cut} earlier lines`, ...this.lines.slice(cut)];
  }
}
