/**
 * Virtual time: a priority queue of events ordered by (time, insertion order). `step` jumps the
 * clock to the next event and runs it; nothing waits in real time. Ties run in the order they
 * were scheduled, so a run is a pure function of its seed.
 */
export interface ScheduledEvent {
  readonly atMs: number;
  readonly seq: number;
  cancelled: boolean;
  readonly run: () => void;
}

export class Scheduler {
  private heap: ScheduledEvent[] = [];
  private seq = 0;
  private clock = 0;
  /** Events run so far (the simulator's "steps"). */
  steps = 0;

  get nowMs(): number {
    return this.clock;
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Runs `run` at `atMs` (never before now). */
  at(atMs: number, run: () => void): ScheduledEvent {
    const ev: ScheduledEvent = { atMs: Math.max(atMs, this.clock), seq: this.seq++, cancelled: false, run };
    this.push(ev);
    return ev;
  }

  after(delayMs: number, run: () => void): ScheduledEvent {
    return this.at(this.clock + Math.max(0, delayMs), run);
  }

  /** Time of the next live event, or undefined when none is left. */
  peekTime(): number | undefined {
    while (this.heap.length > 0 && (this.heap[0] as ScheduledEvent).cancelled) this.pop();
    return this.heap[0]?.atMs;
  }

  /** Runs the next event; false when the queue is empty. */
  step(): boolean {
    for (;;) {
      const ev = this.pop();
      if (ev === undefined) return false;
      if (ev.cancelled) continue;
      this.clock = ev.atMs;
      this.steps++;
      ev.run();
      return true;
    }
  }

  /** Runs every event due up to `untilMs`, then sets the clock there. `afterEach` runs after every event. */
  runUntil(untilMs: number, afterEach?: () => boolean): boolean {
    for (;;) {
      const t = this.peekTime();
      if (t === undefined || t > untilMs) break;
      this.step();
      if (afterEach !== undefined && !afterEach()) return false;
    }
    if (untilMs > this.clock) this.clock = untilMs;
    return true;
  }

  private less(x: ScheduledEvent, y: ScheduledEvent): boolean {
    return x.atMs < y.atMs || (x.atMs === y.atMs && x.seq < y.seq);
  }

  private push(ev: ScheduledEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as ScheduledEvent, h[p] as ScheduledEvent)) break;
      [h[i], h[p]] = [h[p] as ScheduledEvent, h[i] as ScheduledEvent];
      i = p;
    }
  }

  private pop(): ScheduledEvent | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0] as ScheduledEvent;
    const last = h.pop() as ScheduledEvent;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as ScheduledEvent, h[m] as ScheduledEvent)) m = l;
        if (r < h.length && this.less(h[r] as ScheduledEvent, h[m] as ScheduledEvent)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as ScheduledEvent, h[i] as ScheduledEvent];
        i = m;
      }
    }
    return top;
  }
}
