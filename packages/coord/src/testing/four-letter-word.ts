import { connect } from 'node:net';

/**
 * Sends a four-letter word (`ruok`, `srvr`, `mntr`, ...) on a fresh connection and resolves with
 * everything the server writes before it closes. The server recognises the word only as the first
 * four bytes of a new connection, answers in plain text and closes; so "end of stream" is the
 * end of the answer.
 *
 * Rejects on a socket error or when no complete answer arrives within `timeoutMs`.
 */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 2_000): Promise<string> {
  if (Buffer.byteLength(word, 'latin1') !== 4) return Promise.reject(new Error(`not a four-letter word: ${JSON.stringify(word)}`));
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${word} from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.end(word, 'latin1'));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
    socket.on('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
