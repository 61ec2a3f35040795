/**
 * Units of information: natural log gives nats, log₂ bits (apps/docs/theory.md#dual-processes).
 */

/** `'nats'` (natural log, the default) or `'bits'` (log₂). */
export type InformationUnit = 'nats' | 'bits';

/**
 * Converts a value in nats to `unit` (bits = nats / ln 2).
 *
 * @throws RangeError for an unknown unit; TypeError when `value` is not a number.
 */
export function fromNats(value: number, unit: InformationUnit = 'nats'): number {
  if (typeof value !== 'number') {
    throw new TypeError(
      `fromNats: "value" must be a number, got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  if (unit === 'nats') return value;
  if (unit === 'bits') return value / Math.LN2;
  throw new RangeError(`"unit" must be 'nats' or 'bits', got ${JSON.stringify(unit)}`);
}

/** Checks a unit option early, before any work. */
export function checkUnit(context: string, unit: unknown): InformationUnit {
  if (unit === undefined) return 'nats';
  if (unit === 'nats' || unit === 'bits') return unit;
  throw new RangeError(`${context}: "unit" must be 'nats' or 'bits', got ${JSON.stringify(unit)}`);
}
