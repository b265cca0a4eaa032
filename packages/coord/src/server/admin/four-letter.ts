import { consText, srvrText, statText } from './stat-text.js';
import { confText, dirsText, dumpText } from './dump-text.js';
import { enviText } from './environment.js';
import { mntrText } from './monitor.js';
import type { ServerStatsSource } from './stats-source.js';
import { wchcText, wchpText, wchsText } from './watch-text.js';

/**
 * The four-letter words we answer (FourLetterCommands, ZooKeeper 3.8), minus `stmk`, which
 * carries an 8-byte mask after the word that the connection handler does not pass on.
 */
export const FOUR_LETTER_COMMANDS = ['conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'srst', 'srvr', 'stat', 'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash'] as const;
export type FourLetterCommand = (typeof FOUR_LETTER_COMMANDS)[number];

/** ZooTrace's default text trace mask (CLIENT_REQUEST | SERVER_PACKET | SESSION | WARNING), what `gtmk` prints. */
export const DEFAULT_TRACE_MASK = 306;

/** The text a four-letter word answers, in ZooKeeper's format. */
export function runFourLetterCommand(source: ServerStatsSource, word: FourLetterCommand): string {
  switch (word) {
    case 'ruok':
      return 'imok';
    case 'srvr':
      return srvrText(source);
    case 'stat':
      return statText(source);
    case 'cons':
      return consText(source);
    case 'mntr':
      return mntrText(source);
    case 'conf':
      return confText(source);
    case 'envi':
      return enviText(source.version);
    case 'dirs':
      return dirsText(source);
    case 'dump':
      return dumpText(source);
    case 'wchs':
      return wchsText(source);
    case 'wchc':
      return wchcText(source);
    case 'wchp':
      return wchpText(source);
    case 'isro':
      return source.readOnly() ? 'ro' : 'rw';
    case 'gtmk':
      return String(DEFAULT_TRACE_MASK);
    case 'hash':
      // No zxid digests are kept (zookeeper.digest.enabled's history): nothing to list.
      return '';
    case 'crst':
      source.resetConnectionStats();
      return 'Connection stats reset.\n';
    case 'srst':
      source.resetServerStats();
      return 'Server stats reset.\n';
  }
}
