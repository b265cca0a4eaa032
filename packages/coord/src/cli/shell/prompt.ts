import type { ConnectionState } from '../../client/types.js';

/** The Java client's state names, as zkCli shows them in its prompt. */
const LABELS: Record<ConnectionState, string> = {
  connecting: 'CONNECTING',
  connected: 'CONNECTED',
  reconnected: 'CONNECTED',
  suspended: 'CONNECTING',
  readOnly: 'CONNECTEDREADONLY',
  lost: 'EXPIRED',
  closed: 'CLOSED',
};

/** `[coord: 127.0.0.1:2181(CONNECTED) 3] `, after zkCli's `[zk: localhost:2181(CONNECTED) 3] `. */
export function formatPrompt(host: string, state: ConnectionState, commandNumber: number): string {
  return `[coord: ${host}(${LABELS[state]}) ${commandNumber}] `;
}

export interface SessionFacts {
  readonly host: string | undefined;
  readonly sessionId: bigint;
  readonly negotiatedTimeoutMs: number;
}

/** The stderr line for a connection-state change, or undefined for states not worth a line. */
export function stateMessage(state: ConnectionState, facts: SessionFacts): string | undefined {
  const session = `session 0x${facts.sessionId.toString(16)}`;
  const host = facts.host ?? 'the server';
  switch (state) {
    case 'connected':
      return `Connected to ${host} (${session}, timeout ${facts.negotiatedTimeoutMs} ms)`;
    case 'reconnected':
      return `Reconnected to ${host} (${session}); watches restored`;
    case 'readOnly':
      return `Connected to ${host} READ-ONLY (${session}): writes will fail until a quorum is back`;
    case 'suspended':
      return `Disconnected; reconnecting (${session} may still be alive)`;
    case 'lost':
      return 'Session expired: its ephemeral nodes and watches are gone; connecting with a new session';
    case 'connecting':
    case 'closed':
      return undefined;
  }
}
