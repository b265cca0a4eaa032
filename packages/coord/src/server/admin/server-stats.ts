import { COUNTER_NAMES, SUMMARY_NAMES, type CounterName, type SummaryName } from './metric-names.js';
import { Summary } from './summary.js';

/**
 * The server-wide statistics ZooKeeper keeps (ServerStats + ServerMetrics) that ServerCore does
 * not count yet. The core owns one instance and records into it; the admin commands read it
 * through a ServerStatsSource. Everything starts at zero; response sizes at -1, as ZooKeeper.
 */
export class ServerStats {
  readonly requestLatency = new Summary();
  private readonly counters = new Map<CounterName, number>(COUNTER_NAMES.map((n) => [n, 0]));
  private readonly summaries = new Map<SummaryName, Summary>(SUMMARY_NAMES.map((n) => [n, new Summary()]));
  outstandingRequests = 0;
  authFailed = 0;
  lastResponseBytes = -1;
  minResponseBytes = -1;
  maxResponseBytes = -1;

  increment(name: CounterName, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  counter(name: CounterName): number {
    return this.counters.get(name) ?? 0;
  }

  summary(name: SummaryName): Summary {
    let s = this.summaries.get(name);
    if (s === undefined) this.summaries.set(name, (s = new Summary()));
    return s;
  }

  /** One request answered: latency for srvr, and readlatency/updatelatency for mntr and /metrics. */
  requestDone(kind: 'read' | 'update' | 'other', latencyMs: number): void {
    this.requestLatency.add(latencyMs);
    if (kind === 'read') this.summary('readlatency').add(latencyMs);
    else if (kind === 'update') this.summary('updatelatency').add(latencyMs);
  }

  /** One reply frame of `bytes` written (BufferStats). */
  responseSent(bytes: number): void {
    this.lastResponseBytes = bytes;
    this.minResponseBytes = this.minResponseBytes < 0 ? bytes : Math.min(this.minResponseBytes, bytes);
    this.maxResponseBytes = Math.max(this.maxResponseBytes, bytes);
    this.increment('response_bytes', bytes);
  }

  /** `srst` (ServerStats.reset): latency, auth failures and response sizes; metrics counters stay. */
  reset(): void {
    this.requestLatency.reset();
    this.authFailed = 0;
    this.lastResponseBytes = -1;
    this.minResponseBytes = -1;
    this.maxResponseBytes = -1;
  }
}

/** Per-connection statistics (ServerCnxn's counters), kept by the connection. */
export class ConnectionRecorder {
  packetsReceived = 0;
  packetsSent = 0;
  lastOperation = 'NA';
  lastCxid = -1;
  lastZxid = -1n;
  lastResponseTimeMs = 0;
  lastLatencyMs = 0;
  readonly latency = new Summary();

  constructor(readonly establishedAtMs: number) {}

  /** A request answered: `op` is ZooKeeper's short name (Request.op2String: GETD, SETD, CREA ...). */
  responded(op: string, cxid: number, zxid: bigint, latencyMs: number, nowMs: number): void {
    this.lastOperation = op;
    this.lastCxid = cxid;
    this.lastZxid = zxid;
    this.lastResponseTimeMs = nowMs;
    this.lastLatencyMs = latencyMs;
    this.latency.add(latencyMs);
  }

  /** `crst` (ServerCnxn.resetStats). */
  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.lastOperation = 'NA';
    this.lastCxid = -1;
    this.lastZxid = -1n;
    this.lastResponseTimeMs = 0;
    this.lastLatencyMs = 0;
    this.latency.reset();
  }
}
