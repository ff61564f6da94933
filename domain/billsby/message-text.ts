/**
 * Text primitives for Webex messages. Hand-written instead of `Buffer`/`TextEncoder` because
 * this module runs inside Temporal's deterministic workflow sandbox, where Node built-ins are
 * not available.
 */

/** Webex rejects `text` longer than this many UTF-8 bytes (reference/webex-api.md §3). */
export const MAX_MESSAGE_BYTES = 7439;

/**
 * UTF-8 byte length of a JS string, counted per code point. A lone surrogate (possible in
 * JSON input like `"\ud800"`) counts 3 bytes, as the U+FFFD it is encoded to on the wire —
 * the same result as `Buffer.byteLength(text, 'utf8')`.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++; // the low surrogate is part of this 4-byte code point
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Characters that must not survive inside a value: C0 controls (incl. CR, LF, tab, VT, FF),
 * DEL, C1 controls (incl. NEL U+0085) and the Unicode line/paragraph separators U+2028/2029.
 * A CRLF pair is one line break and becomes one space; every other such character becomes
 * one space. Lone surrogates become U+FFFD so the message is valid UTF-8.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_BREAKING_OR_CONTROL = /\r\n|[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A value that can neither add nor break a line of the message. */
export function sanitiseValue(value: string): string {
  return value.replace(LINE_BREAKING_OR_CONTROL, ' ').replace(LONE_SURROGATE, '\ufffd');
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
