import { truncateUtf8 } from './truncate.js';

/**
 * Reads at most `maxBytes` of a response body as UTF-8 text, then cancels the rest, so a huge or endless answer
 * costs neither memory nor time. Never throws: a body that fails midway (reset, timeout) yields what arrived.
 * Never splits a character (see truncateUtf8).
 */
export async function readBodyPrefix(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    // One byte past the limit tells truncateUtf8 whether the cut falls inside a character.
    while (size <= maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // Keep what arrived: the status line already said how the target answered.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return truncateUtf8(Buffer.concat(chunks), maxBytes);
}
