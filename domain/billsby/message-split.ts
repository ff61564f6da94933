/**
 * Splitting a message that Webex would reject (over 7,439 UTF-8 bytes) into several messages
 * (DESIGN §4.4). Definition:
 * - A message of at most `maxBytes` bytes (lines joined by `\n`) is sent as is: one part.
 * - Otherwise it becomes n ≥ 2 parts, in order. Part 1 is the original first line (the trigger
 *   name) followed by as many following lines as fit; part k (2..n) is the header
 *   `<trigger name> (continued k/n)` followed by as many of the next lines as fit. Lines are
 *   packed greedily and never cut, so removing each part's first line and concatenating gives
 *   back exactly the original lines after the trigger name.
 * - n depends on the headers and the headers on n (`(continued 9/9)` is shorter than
 *   `(continued 10/10)`), so packing is repeated with the count it produced until the count is
 *   stable. Longer headers never mean fewer parts, so n only grows and the loop ends.
 * - Every part, header included, is at most `maxBytes` bytes. Validated events cannot contain a
 *   line that does not fit beside a header (strings are ≤ 1,000 characters); for anything else a
 *   too-long line is cut at code-point boundaries so that the guarantee still holds.
 */
import { MAX_MESSAGE_BYTES, utf8ByteLength } from './message-text';

export function continuationHeader(trigger: string, part: number, total: number): string {
  return `${trigger} (continued ${part}/${total})`;
}

/** `lines[0]` is the trigger name; the result is the text of each message, in order. */
export function splitMessageLines(lines: readonly string[], maxBytes = MAX_MESSAGE_BYTES): string[] {
  const whole = lines.join('\n');
  if (utf8ByteLength(whole) <= maxBytes) return [whole];

  const [trigger = '', ...body] = lines;
  // Room for a line next to the longest header we could ever produce (and its newline).
  const widestHeaderBytes = utf8ByteLength(continuationHeader(trigger, 9_999_999, 9_999_999)) + 1;
  const bodyLines = body.flatMap((l) => cutToFit(l, Math.max(1, maxBytes - widestHeaderBytes)));

  let total = 2;
  for (;;) {
    const parts = pack(trigger, bodyLines, total, maxBytes);
    if (parts.length <= total) return parts.map((part) => part.join('\n'));
    total = parts.length;
  }
}

/** Greedy packing with headers numbered as if there were `total` parts. */
function pack(trigger: string, bodyLines: readonly string[], total: number, maxBytes: number): string[][] {
  const parts: string[][] = [[trigger]];
  let used = utf8ByteLength(trigger);
  for (const bodyLine of bodyLines) {
    const bytes = utf8ByteLength(bodyLine);
    const current = parts[parts.length - 1]!;
    if (used + 1 + bytes <= maxBytes || current.length === 1) {
      current.push(bodyLine);
      used += 1 + bytes;
    } else {
      const header = continuationHeader(trigger, parts.length + 1, total);
      parts.push([header, bodyLine]);
      used = utf8ByteLength(header) + 1 + bytes;
    }
  }
  return parts;
}

/** Cuts a line into pieces of at most `maxBytes` bytes without splitting a code point. */
function cutToFit(text: string, maxBytes: number): string[] {
  if (utf8ByteLength(text) <= maxBytes) return [text];
  const pieces: string[] = [];
  let piece = '';
  let pieceBytes = 0;
  for (const codePoint of text) {
    const bytes = utf8ByteLength(codePoint);
    if (pieceBytes + bytes > maxBytes) {
      pieces.push(piece);
      piece = '';
      pieceBytes = 0;
    }
    piece += codePoint;
    pieceBytes += bytes;
  }
  pieces.push(piece);
  return pieces;
}
