/**
 * ISO 4217 minor units, and minor-unit integers rendered as plain decimals (DESIGN §4.4:
 * 1289 GBP → `12.89`, 500 JPY → `500`; no symbol, no thousands separator).
 *
 * The table lists every active ISO 4217 code (list one, 2025) plus a few recently withdrawn
 * ones Billsby may still send. Codes not in the table are rendered with 2 digits: that is what
 * the large majority of currencies use, and it keeps new codes (e.g. a future replacement
 * currency) working without a code change. The event schema only checks the code's shape.
 */

const CODES_BY_MINOR_DIGITS: Record<number, string> = {
  // Also the codes ISO 4217 gives no minor unit at all ("N.A.": precious metals, bond-market
  // units, SDR, testing): the integer can then only mean whole units.
  0:
    'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF ' +
    'XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX',
  2:
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP ' +
    'BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR ' +
    'FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IRR JMD KES KGS KHR ' +
    'KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR ' +
    'MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK ' +
    'SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN ' +
    'UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

const MINOR_DIGITS: ReadonlyMap<string, number> = new Map(
  Object.entries(CODES_BY_MINOR_DIGITS).flatMap(([digits, codes]) =>
    codes.split(' ').map((code) => [code, Number(digits)] as const),
  ),
);

export const DEFAULT_MINOR_DIGITS = 2;

export function isKnownCurrencyCode(code: string): boolean {
  return MINOR_DIGITS.has(code.toUpperCase());
}

/** Number of decimal digits of the currency's minor unit (2 for unknown codes). */
export function minorDigits(currencyCode: string): number {
  return MINOR_DIGITS.get(currencyCode.toUpperCase()) ?? DEFAULT_MINOR_DIGITS;
}

/**
 * `1289, 'GBP'` → `12.89`; `5, 'GBP'` → `0.05`; `-1289, 'GBP'` → `-12.89`; `1234, 'KWD'` →
 * `1.234`; `500, 'JPY'` → `500`. String arithmetic, not division, so no floating-point error
 * can creep in for any safe integer.
 */
export function formatMinorUnits(amount: number, currencyCode: string): string {
  if (!Number.isSafeInteger(amount)) return String(amount);
  const digits = minorDigits(currencyCode);
  const sign = amount < 0 ? '-' : '';
  const magnitude = String(Math.abs(amount));
  if (digits === 0) return sign + magnitude;
  const padded = magnitude.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}
