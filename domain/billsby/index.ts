/**
 * Billsby events (DESIGN §4.3) and their Webex messages (§4.4): pure, deterministic code with
 * no Node built-ins and no IO, safe to import from Temporal workflow code.
 */
export * from './event-schema';
export { parseBillsbyEvent, isEventType, formatPath, type ParseEventResult } from './parse-event';
export { formatEventMessages } from './format-event-messages';
export { triggerName, messageLines } from './message-templates';
export { splitMessageLines, continuationHeader } from './message-split';
export { MAX_MESSAGE_BYTES, utf8ByteLength, sanitiseValue } from './message-text';
export {
  formatMinorUnits,
  minorDigits,
  isKnownCurrencyCode,
  DEFAULT_MINOR_DIGITS,
} from './currency-minor-units';
export { parseIsoDateTime, formatIsoDateTime, isIsoDateTime } from './iso-date';
