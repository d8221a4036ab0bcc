/**
 * Exact money: amounts are integer minor units held as bigint (分 / cents). Parsing and
 * formatting never go through floating point.
 */

const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK']);
const SYMBOLS: Record<string, string> = { CNY: '¥', RMB: '¥', USD: '$', EUR: '€', GBP: '£', JPY: '¥', HKD: 'HK$', INR: '₹' };

/** Digits after the decimal point for a currency (ISO 4217; 2 unless known otherwise). */
export function minorDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
}

/** True for a plausible ISO 4217 code (three letters). RMB is accepted as CNY by normaliseCurrency. */
export function normaliseCurrency(raw: string | undefined): string | null {
  if (!raw) return null;
  const code = raw.trim().toUpperCase();
  if (code === 'RMB' || code === '元' || code === '人民币') return 'CNY';
  if (code === '美元') return 'USD';
  return /^[A-Z]{3}$/.test(code) ? code : null;
}

/** The largest amount we accept, in minor units (10^15: ten trillion yuan). */
export const MAX_AMOUNT_MINOR = 10n ** 15n;

/**
 * Parses a typed amount into minor units: 12345, 12,345.67, 12345.6, 1.5万 (×10 000), 2k.
 * Returns null for anything else, negative amounts, more decimals than the currency has, or
 * more than MAX_AMOUNT_MINOR.
 */
export function parseAmount(raw: string, currency: string): bigint | null {
  let text = raw.trim().replace(/[¥$€£]/g, '').replace(/[，,](?=\d{3}(\D|$))/g, '');
  let multiplier = 1n;
  let extraDecimals = 0;
  if (text.endsWith('万')) { multiplier = 10_000n; text = text.slice(0, -1); extraDecimals = 4; }
  else if (/[kK]$/.test(text)) { multiplier = 1_000n; text = text.slice(0, -1); extraDecimals = 3; }
  const m = text.match(/^(\d{1,15})(?:\.(\d{1,8}))?$/);
  if (!m) return null;
  const digits = minorDigits(currency);
  const fraction = m[2] ?? '';
  if (fraction.length > digits + extraDecimals) return null;
  // Work in units of 10^-(digits+extraDecimals) and scale back exactly.
  const scale = digits + extraDecimals;
  const units = BigInt(m[1]! + fraction.padEnd(scale, '0'));
  const total = units * multiplier;
  const divisor = 10n ** BigInt(extraDecimals);
  if (total % divisor !== 0n) return null;
  const minor = total / divisor;
  // Larger amounts overflow the bigint/numeric columns (and JS number maths on totals).
  return minor > MAX_AMOUNT_MINOR ? null : minor;
}

/** Formats minor units for people: ¥12,345.67 / 12,345.67 CHF. */
export function formatMoney(minor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const base = 10n ** BigInt(digits);
  const whole = (abs / base).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits ? `.${(abs % base).toString().padStart(digits, '0')}` : '';
  const symbol = SYMBOLS[currency.toUpperCase()];
  const body = `${whole}${fraction}`;
  return `${negative ? '-' : ''}${symbol ? `${symbol}${body}` : `${body} ${currency}`}`;
}

/** Minor units as a plain decimal string (12345.67), for exports and CSV. */
export function minorToDecimal(minor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  if (!digits) return minor.toString();
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const base = 10n ** BigInt(digits);
  return `${negative ? '-' : ''}${abs / base}.${(abs % base).toString().padStart(digits, '0')}`;
}

/** Percentage change from `before` to `after` (null when there is nothing to compare with). */
export function growthPct(after: bigint, before: bigint): number | null {
  if (before <= 0n) return null;
  // Basis points in integer arithmetic, then one division for display.
  return Number(((after - before) * 10_000n) / before) / 100;
}
