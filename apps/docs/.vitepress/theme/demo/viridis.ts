/**
 * Viridis (matplotlib's colour map: readable with the common colour-vision deficiencies and
 * monotone in lightness, so it also reads in grey) at nine stops, shared by the live sweep's
 * heat map and the Evidence page's.
 */
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
] as const;

/** The viridis colour at t ∈ [0, 1] (clamped; NaN is 0), and whether dark text reads on it. */
export function viridis(t: number): { color: string; darkText: boolean } {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = VIRIDIS[i].map((c, k) => Math.round(c + f * (VIRIDIS[i + 1][k] - c)));
  return { color: `rgb(${rgb.join(',')})`, darkText: x > 4.5 };
}
