/**
 * Exact money. Amounts are BigInt pico-USD (1e-12 USD) and leave this module as decimal strings with
 * 12 fraction digits, ready for Postgres `numeric`; never summed in binary floating point.
 */

export const USD_FRACTION_DIGITS = 12;
const SCALE = 10n ** BigInt(USD_FRACTION_DIGITS);
/** A per-MTok price × 1e6 is an integer number of pico-USD per token. */
const RATE_SCALE = 1e6;

/**
 * A USD-per-million-tokens price as integer pico-USD per token.
 * Prices carry at most 6 fraction digits in the data packages (e.g. 0.075, 1.25), so rounding
 * `price × 1e6` removes only binary noise.
 */
export function ratePicoPerToken(usdPerMTok: number): bigint {
  if (!Number.isFinite(usdPerMTok) || usdPerMTok < 0) throw new RangeError(`invalid price ${usdPerMTok}`);
  return BigInt(Math.round(usdPerMTok * RATE_SCALE));
}

export function formatPicoUsd(pico: bigint): string {
  const negative = pico < 0n;
  const magnitude = negative ? -pico : pico;
  const whole = magnitude / SCALE;
  const fraction = (magnitude % SCALE).toString().padStart(USD_FRACTION_DIGITS, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** Parses a decimal USD string (any number of fraction digits up to 12) into pico-USD. */
export function parseUsd(usd: string): bigint {
  const match = /^(-)?(\d+)(?:\.(\d{0,12}))?$/.exec(usd.trim());
  if (!match) throw new RangeError(`not a USD decimal with at most ${USD_FRACTION_DIGITS} fraction digits: ${usd}`);
  const whole = BigInt(match[2] ?? "0");
  const fraction = BigInt((match[3] ?? "").padEnd(USD_FRACTION_DIGITS, "0"));
  const value = whole * SCALE + fraction;
  return match[1] ? -value : value;
}

/** Exact sum of two decimal USD strings. */
export function sumUsd(a: string, b: string): string {
  return formatPicoUsd(parseUsd(a) + parseUsd(b));
}

/** For display and GraphQL `Float` only; never for sums. */
export function usdToNumber(usd: string): number {
  return Number(usd);
}

export const ZERO_USD = formatPicoUsd(0n);
