/**
 * Stream to own: the price rule, in one pure module used by the UI (estimates),
 * the main process (the local charge) and the server (the authority).
 *
 * Money is integers only:
 * - credits are counted in **thousandths** (23.029 credits is 23029);
 * - earnings (the 70/30 split) are counted in **ten-thousandths**, the
 *   coarsest unit in which 70% of every price is a whole number.
 *
 * The rules: the shared design page `design/stream2own.md`.
 */

/** A play is counted once this much of it has been heard in one session. */
export const COUNT_THRESHOLD_MS = 45_000;

/**
 * A track shorter than the count threshold is counted (free) when heard to
 * its end; "to the end" allows this much slack, because the audio element
 * reports its position a few times a second and a file can be a little
 * shorter than the duration the catalog gives.
 */
export const HEARD_TO_END_TOLERANCE_MS = 1_000;

/** How much listening counts a track of this duration: 45 s, or a short track's whole length less the slack. */
export function heardMsNeededToCount(durationMs: number): number {
  if (!Number.isSafeInteger(durationMs) || durationMs <= 0)
    throw new RangeError(`durationMs must be a positive integer, got ${durationMs}`);
  return durationMs < COUNT_THRESHOLD_MS
    ? Math.max(0, durationMs - HEARD_TO_END_TOLERANCE_MS)
    : COUNT_THRESHOLD_MS;
}

/** True for tracks that are always free: shorter than the count threshold. */
export function isShortTrack(durationMs: number): boolean {
  return durationMs < COUNT_THRESHOLD_MS;
}

/**
 * Why a counted play is free, spelled as on the wire (server answers, earnings
 * report): 'short' (under 45 s), 'owned' (nine paid plays or bought),
 * 'own_track' (the listener is a rightsholder of the track's artist),
 * 'free_track' (the rightsholder marked it free).
 */
export const FREE_REASONS = ['short', 'owned', 'own_track', 'free_track'] as const;
export type FreeReason = (typeof FREE_REASONS)[number];

export interface FreeReasonFacts {
  /** The track's duration (the server's catalog duration is the authority). */
  durationMs: number;
  /** The rightsholder marked the track free. */
  freeTrack: boolean;
  /** The listener is a rightsholder of the track's artist. */
  ownTrack: boolean;
  /** The listener owns the track (nine paid plays, or bought the rest). */
  owned: boolean;
}

/**
 * The one precedence of free reasons, for the server and the app alike, or
 * null when the play is to be charged. A short track is 'short' first (a fact
 * of the track the protocol and the report verifier check; it can never be
 * owned); then 'owned', so an owned track is reported owned whatever becomes
 * of its status; then 'own_track' (the rightsholder plays free whatever the
 * status); then 'free_track'.
 */
export function freeReasonFor(facts: FreeReasonFacts): FreeReason | null {
  if (isShortTrack(facts.durationMs)) return 'short';
  if (facts.owned) return 'owned';
  if (facts.ownTrack) return 'own_track';
  if (facts.freeTrack) return 'free_track';
  return null;
}

/** After this many paid plays the listener owns the track. */
export const PAID_PLAYS_TO_OWN = 9;

/** What owning a track costs in total: 2 + 4 + … + 512. */
export const PRICE_TO_OWN_THOUSANDTHS = 1022;

/** Artist (rightsholder) share and co-op share, in percent; they sum to 100. */
export const ARTIST_SHARE_PERCENT = 70;
export const COOP_SHARE_PERCENT = 30;

/** One thousandth of a credit is ten ten-thousandths. */
export const TEN_THOUSANDTHS_PER_THOUSANDTH = 10;

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`pricing invariant broken: ${message}`);
}

function assertPlayCount(paidPlays: number, name: string): void {
  if (!Number.isSafeInteger(paidPlays) || paidPlays < 0) {
    throw new RangeError(`${name} must be a whole number ≥ 0, got ${paidPlays}`);
  }
}

function assertThousandths(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
}

/** The price of the n-th paid play of a track (n = 1…9): 2^n thousandths. */
export function priceOfPaidPlay(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > PAID_PLAYS_TO_OWN) {
    throw new RangeError(`paid play number must be 1…${PAID_PLAYS_TO_OWN}, got ${n}`);
  }
  return 2 ** n;
}

/** What the first k paid plays cost together (k = 0…9): 2^(k+1) − 2 thousandths. */
export function cumulativeCostThousandths(k: number): number {
  if (!Number.isInteger(k) || k < 0 || k > PAID_PLAYS_TO_OWN) {
    throw new RangeError(`number of paid plays must be 0…${PAID_PLAYS_TO_OWN}, got ${k}`);
  }
  return 2 ** (k + 1) - 2;
}

/** True once the listener has paid for nine plays: the track is theirs. */
export function isOwned(paidPlays: number): boolean {
  assertPlayCount(paidPlays, 'paidPlays');
  return paidPlays >= PAID_PLAYS_TO_OWN;
}

/**
 * "Buy the rest": what is left to pay to own the track after `paidPlays`
 * paid plays; 0 when it is owned already.
 */
export function remainingToOwnThousandths(paidPlays: number): number {
  assertPlayCount(paidPlays, 'paidPlays');
  if (isOwned(paidPlays)) return 0;
  return PRICE_TO_OWN_THOUSANDTHS - cumulativeCostThousandths(paidPlays);
}

/** The price of the next paid play, or null when the track is owned (free forever). */
export function nextPaidPlayPriceThousandths(paidPlays: number): number | null {
  assertPlayCount(paidPlays, 'paidPlays');
  return isOwned(paidPlays) ? null : priceOfPaidPlay(paidPlays + 1);
}

export interface ChargeSplit {
  /** The rightsholder's 70%, in ten-thousandths of a credit. */
  artistTenThousandths: number;
  /** The co-op's 30%, in ten-thousandths of a credit. */
  coopTenThousandths: number;
}

/**
 * Splits one charge 70/30, exactly: in ten-thousandths, 70% of p thousandths
 * is 7·p and 30% is 3·p, whole numbers for every integer price, so the two
 * shares always add up to the charge with nothing lost to rounding.
 */
export function splitCharge(priceThousandths: number): ChargeSplit {
  assertThousandths(priceThousandths, 'priceThousandths');
  if (priceThousandths < 0) throw new RangeError(`a charge cannot be negative, got ${priceThousandths}`);
  const totalTenThousandths = priceThousandths * TEN_THOUSANDTHS_PER_THOUSANDTH;
  const artistTenThousandths = (totalTenThousandths * ARTIST_SHARE_PERCENT) / 100;
  const coopTenThousandths = totalTenThousandths - artistTenThousandths;
  assert(Number.isSafeInteger(artistTenThousandths), 'artist share is a whole number');
  assert(coopTenThousandths * 100 === totalTenThousandths * COOP_SHARE_PERCENT, 'co-op share is exactly 30%');
  assert(artistTenThousandths + coopTenThousandths === totalTenThousandths, 'shares add up to the charge');
  return { artistTenThousandths, coopTenThousandths };
}

/** Formats thousandths of a credit with three decimals: 23029 → "23.029", -5 → "-0.005". */
export function formatCredits(thousandths: number): string {
  assertThousandths(thousandths, 'thousandths');
  const sign = thousandths < 0 ? '-' : '';
  const abs = Math.abs(thousandths);
  const whole = Math.floor(abs / 1000);
  const fraction = String(abs % 1000).padStart(3, '0');
  return `${sign}${whole}.${fraction}`;
}

/** How many euros buy how many thousandths of a credit; display only, never accounting. */
export interface EuroRate {
  /** Euros, at most 6 decimals (converted once to whole micro-euros). */
  euros: number;
  perThousandths: number;
}

/** The headline: 1.25 EUR buys a whole track (1.022 credits). */
export const DEFAULT_EURO_RATE: EuroRate = { euros: 1.25, perThousandths: PRICE_TO_OWN_THOUSANDTHS };

const MICRO_EUROS_PER_EURO = 1_000_000n;

/**
 * Formats a credit amount in euros at a rate, as a plain decimal number
 * without a currency sign (the UI adds it, per locale): 1022 → "1.25",
 * 2 → "0.0024" with 4 decimals. Computed in BigInt micro-euros and rounded
 * half away from zero once, at the end, so there is no float drift.
 */
export function formatEuros(thousandths: number, rate: EuroRate = DEFAULT_EURO_RATE, decimals = 2): string {
  assertThousandths(thousandths, 'thousandths');
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6) {
    throw new RangeError(`decimals must be 0…6, got ${decimals}`);
  }
  if (!Number.isSafeInteger(rate.perThousandths) || rate.perThousandths <= 0) {
    throw new RangeError(`rate.perThousandths must be a positive integer, got ${rate.perThousandths}`);
  }
  const rateMicroEuros = Math.round(rate.euros * 1_000_000);
  if (!Number.isSafeInteger(rateMicroEuros) || rateMicroEuros < 0) {
    throw new RangeError(`rate.euros must be ≥ 0, got ${rate.euros}`);
  }
  const unitsPerEuro = 10n ** BigInt(decimals);
  // amount in 10^-decimals euros = thousandths · rateMicro / perThousandths / (10^6 / 10^decimals)
  const numerator = BigInt(Math.abs(thousandths)) * BigInt(rateMicroEuros) * unitsPerEuro;
  const denominator = BigInt(rate.perThousandths) * MICRO_EUROS_PER_EURO;
  const units = (2n * numerator + denominator) / (2n * denominator); // round half up on the magnitude
  const sign = thousandths < 0 && units > 0n ? '-' : '';
  const whole = units / unitsPerEuro;
  if (decimals === 0) return `${sign}${whole}`;
  const fraction = (units % unitsPerEuro).toString().padStart(decimals, '0');
  return `${sign}${whole}.${fraction}`;
}

export interface PricingRow {
  /** 1…9 */
  play: number;
  priceThousandths: number;
  /** What plays 1…play cost together. */
  cumulativeThousandths: number;
}

/** The nine rows of the price table. */
export function pricingTable(): PricingRow[] {
  const rows: PricingRow[] = [];
  for (let play = 1; play <= PAID_PLAYS_TO_OWN; play++) {
    rows.push({
      play,
      priceThousandths: priceOfPaidPlay(play),
      cumulativeThousandths: cumulativeCostThousandths(play),
    });
  }
  assert(
    rows.at(-1)?.cumulativeThousandths === PRICE_TO_OWN_THOUSANDTHS,
    'the table sums to the price to own',
  );
  return rows;
}
