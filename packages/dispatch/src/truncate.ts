/** How much of a target's answer an outcome keeps by default, in UTF-8 bytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4096;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Decodes at most `maxBytes` bytes of UTF-8 as text. Cuts before a character that would be split, so the
 * result never ends in a replacement character and its UTF-8 encoding never exceeds `maxBytes`.
 */
export function truncateUtf8(bytes: Uint8Array, maxBytes: number): string {
  if (bytes.length <= maxBytes) return decoder.decode(bytes);
  let end = Math.max(0, maxBytes);
  // 10xxxxxx marks a continuation byte: the character it belongs to started before `end`.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return decoder.decode(bytes.subarray(0, end));
}

/** `truncateUtf8` for text already decoded. */
export function truncateText(text: string, maxBytes: number): string {
  return truncateUtf8(encoder.encode(text), maxBytes);
}
