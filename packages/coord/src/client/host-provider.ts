import type { HostAddress } from './connect-string.js';

/**
 * Hands out hosts round-robin over a (by default shuffled) list, as StaticHostProvider does,
 * and says when a whole pass has failed so the caller can back off.
 */
export class HostProvider {
  private readonly hosts: HostAddress[];
  private index = -1;
  private attemptsThisPass = 0;

  constructor(hosts: readonly HostAddress[], shuffle: boolean, random: () => number) {
    this.hosts = [...hosts];
    if (shuffle) {
      for (let i = this.hosts.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [this.hosts[i], this.hosts[j]] = [this.hosts[j] as HostAddress, this.hosts[i] as HostAddress];
      }
    }
  }

  get size(): number {
    return this.hosts.length;
  }

  get all(): readonly HostAddress[] {
    return this.hosts;
  }

  next(): HostAddress {
    this.index = (this.index + 1) % this.hosts.length;
    this.attemptsThisPass++;
    return this.hosts[this.index] as HostAddress;
  }

  /** True when every host has been tried since the last success or pass. */
  passComplete(): boolean {
    return this.attemptsThisPass >= this.hosts.length;
  }

  startPass(): void {
    this.attemptsThisPass = 0;
  }

  /** A connection succeeded: the next failure starts a fresh pass from the following host. */
  connected(): void {
    this.attemptsThisPass = 0;
  }
}

export function describeHosts(hosts: readonly HostAddress[]): string {
  return hosts.map((h) => (h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`)).join(',');
}
