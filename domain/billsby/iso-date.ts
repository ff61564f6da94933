/**
 * ISO-8601 dates and date-times as they appear in Billsby events, rendered exactly like
 * `Date.prototype.toISOString()` (DESIGN §4.4).
 *
 * Why not just `new Date(text)`: engines disagree on offset-less date-times (V8 reads
 * `2020-06-22T10:17:42` as *local* time, Billsby means UTC) and on more than 3 fractional
 * digits (Billsby sends microseconds: `2020-06-22T10:17:42.018276`). So the text is taken apart
 * here and the instant is built with UTC setters; no host time zone is ever consulted, which
 * also keeps this usable inside Temporal workflow code.
 *
 * Accepted (extended format only): `YYYY-MM-DD`, optionally followed by `T` (or `t`, or a
 * space) and `hh:mm`, `hh:mm:ss` or `hh:mm:ss.f…` (any number of fractional digits, `.` or `,`),
 * optionally followed by `Z`/`z` or an offset `±hh:mm`, `±hhmm`, `±hh`.
 * Rules: no offset → UTC; fraction truncated (never rounded) to milliseconds; a date alone is
 * midnight UTC. Rejected: impossible calendar dates (Feb 30), hour 24, leap second 60, offsets
 * beyond ±23:59, basic format (`20260722T…`), week/ordinal dates.
 */

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/** Epoch milliseconds of an ISO-8601 text, or `undefined` when it is not a valid date. */
export function parseIsoDateTime(text: string): number | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  // Truncate, never round: `.0189999` is 18 ms (rounding could even roll over into the next day).
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const offsetSign = m[9] === '-' ? -1 : 1;
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);

  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;

  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const offsetMs = offsetSign * (offsetHours * 60 + offsetMinutes) * 60_000;
  const epochMs = date.getTime() - offsetMs;
  return Number.isNaN(new Date(epochMs).getTime()) ? undefined : epochMs;
}

export function isIsoDateTime(text: string): boolean {
  return parseIsoDateTime(text) !== undefined;
}

/** `toISOString()` form of a valid ISO-8601 text, or `undefined` when it is not valid. */
export function formatIsoDateTime(text: string): string | undefined {
  const epochMs = parseIsoDateTime(text);
  return epochMs === undefined ? undefined : new Date(epochMs).toISOString();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
