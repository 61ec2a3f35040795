/**
 * The Prodigy section of bench/run.js: the two fused passes (`prodigySums`, then
 * `prodigyUpdate` with the new d) against the fused Adam over the same number of parameters,
 * in cache (200,000, about the MLPs' parameters) and streaming from memory (4,000,000: six
 * arrays of 16 MB). At the kernel level d is a constant, so no state drifts.
 *
 * Memory streams per parameter and step: Adam reads w, m, v, g and writes w, m, v (7);
 * Prodigy's pass 1 reads g, x₀ − x, s and writes s, pass 2 reads g, x, x₀ − x, m, v and writes
 * x, x₀ − x, m, v (13, of which g and x₀ − x are read twice: 11 distinct). Where the arrays
 * come from memory the ratio tends to 13/7 ≈ 1.86 (11/7 ≈ 1.57 when the second reads hit the
 * cache); in cache both are bound by arithmetic (the square root and division per element).
 */

/** Rows of the section, measured with `measure` (bench/timing.js) over `kernels`. */
export async function prodigySection({ kernels, measure, rate, random, quick }) {
  const rows = [];
  const adamOptions = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 10 };
  const d = 1e-3;
  const sumsOptions = { scale: (d / 1e-6) * d, beta3: Math.sqrt(0.999) };
  const updateOptions = { d, learningRate: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, nextD: d };
  for (const n of quick ? [200_000] : [200_000, 4_000_000]) {
    const g = random(n, 7).map((x) => 0.01 * x);
    const buffer = (seed, scale) => kernels.allocFrom(random(n, seed).map((x) => scale * x));
    const adam = [buffer(8, 0.05), kernels.alloc(n), kernels.alloc(n), kernels.allocFrom(g)];
    const prodigy = {
      weights: buffer(8, 0.05),
      displacement: kernels.alloc(n),
      distance: kernels.alloc(n),
      firstMoment: kernels.alloc(n),
      secondMoment: kernels.alloc(n),
      gradient: kernels.allocFrom(g),
    };
    const p = prodigy;
    const sums = () => kernels.prodigySums(p.gradient, p.displacement, p.distance, n, sumsOptions);
    const update = () =>
      kernels.prodigyUpdate(
        p.weights,
        p.displacement,
        p.firstMoment,
        p.secondMoment,
        p.gradient,
        n,
        updateOptions,
      );
    const timings = await measure([
      { name: 'adam', run: () => kernels.adam(...adam, n, adamOptions) },
      {
        name: 'prodigy',
        run: () => {
          sums();
          update();
        },
      },
      { name: 'sums', run: sums },
      { name: 'update', run: update },
    ]);
    for (const b of [...adam, ...Object.values(prodigy)]) b.free();
    const { adam: a, prodigy: both, sums: one, update: two } = timings;
    const row = [
      n.toLocaleString('en-US'),
      a ? rate(a, n, 1e9) : 'n/a',
      both ? rate(both, n, 1e9) : 'n/a',
      one ? rate(one, n, 1e9) : 'n/a',
      two ? rate(two, n, 1e9) : 'n/a',
      a && both ? `${(both.median / a.median).toFixed(2)}×` : 'n/a',
      a && both ? `${(both.min / a.min).toFixed(2)}×` : 'n/a',
    ];
    console.log(row.join(' | '));
    rows.push(row);
  }
  return {
    title:
      'Prodigy update against Adam (Gelem/s of parameters; Prodigy costs 13 memory streams per parameter, Adam 7)',
    header: [
      'parameters',
      'Adam (fused)',
      'Prodigy, both passes',
      'pass 1: prodigySums',
      'pass 2: prodigyUpdate',
      'Prodigy / Adam time (medians)',
      'Prodigy / Adam time (fastest samples)',
    ],
    rows,
  };
}
