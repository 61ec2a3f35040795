/**
 * Number formatting shared by every human-readable output (tables, epoch rows, plain lines).
 * JSON output never goes through here: it keeps full precision.
 */

/** A loss, divergence or entropy in nats, four decimals ("—" when not a number). */
export function formatNats(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '—' : String(value);
  return value.toFixed(4);
}

/** A fraction in [0, 1] as a percentage with two decimals: 0.97222 → "97.22%". */
export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(2)}%`;
}

/**
 * The process-balance angle θ = atan2(‖M‖, ‖G‖) in degrees (this project's interpretation;
 * 45° is J24's inner Bayes equation sin ϕ = cos ϕ, while its dual process aims at 0° or 90°:
 * apps/docs/theory.md#unit-circle, #process-balance). "—" for optimizers without telemetry (NaN).
 */
export function formatDegrees(degrees: number): string {
  if (!Number.isFinite(degrees)) return '—';
  return `${degrees.toFixed(1)}°`;
}

/** Samples per second, rounded, with thousands separators. */
export function formatRate(samplesPerSecond: number): string {
  if (!Number.isFinite(samplesPerSecond)) return '—';
  return Math.round(samplesPerSecond).toLocaleString('en-US');
}

/** Milliseconds below a second, seconds with one decimal below a minute, else "1m 05s". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return `${minutes}m ${String(rest).padStart(2, '0')}s`;
}

/** A constant with up to 15 significant digits (the exact value as a double prints). */
export function formatConstant(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(15).replace(/0+$/, '');
}

/** A ratio such as a speed-up: 2.345 → "2.35×". */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return `${value.toFixed(2)}×`;
}
