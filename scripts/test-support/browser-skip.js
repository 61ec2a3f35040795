/**
 * The check, shared by every package with a browser test, that without Chromium `npm test`
 * passes on a fresh machine — the browser test is skipped with one line saying how to enable
 * it — while under CI=true the missing browser fails the run at once (it used to fail
 * everywhere, after a 60-second hang in afterAll). It runs the package's browser test file in
 * a child vitest with DUALPHI_CHROMIUM naming a browser that does not exist.
 *
 * It lives beside the workspace's other shared test settings (vitest.shared.ts), outside every
 * package: core-wasm and the docs both use it without either depending on the other for it.
 * Plain JavaScript with a declaration file, so that each package's TypeScript settings
 * (core-wasm's rootDir) take it as it is.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

// vitest's own bin (its package exports do not list vitest.mjs, its package.json is there).
const VITEST = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);

/** Runs `testFile` of `packageRoot` in a child vitest without a browser. */
function runWithoutChromium(packageRoot, testFile, ci) {
  const env = { ...process.env, DUALPHI_CHROMIUM: '/nonexistent/chromium', NO_COLOR: '1' };
  delete env.CI;
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  if (ci) env.CI = 'true';
  const started = Date.now();
  const child = spawnSync(process.execPath, [VITEST, 'run', testFile], {
    cwd: packageRoot,
    env,
    encoding: 'utf8',
    timeout: 50_000,
  });
  return { ...child, seconds: (Date.now() - started) / 1000 };
}

/**
 * Declares the two cases for one package's browser test file.
 * @param {{ packageRoot: string, testFile: string, what: string }} options
 */
export function describeWithoutChromium({ packageRoot, testFile, what }) {
  describe(`${what} without Chromium`, () => {
    it('is skipped outside CI, with exactly one line saying how to enable it', () => {
      const child = runWithoutChromium(packageRoot, testFile, false);
      expect(child.status, child.stdout + child.stderr).toBe(0);
      const lines = `${child.stdout}\n${child.stderr}`
        .split('\n')
        .filter((line) => line.includes('apt-get install'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^skipped: .*\/nonexistent\/chromium.*DUALPHI_CHROMIUM/);
    });

    it('fails under CI=true, at once', () => {
      const child = runWithoutChromium(packageRoot, testFile, true);
      expect(child.status).not.toBe(0);
      expect(child.stdout + child.stderr).toMatch(/not found at \/nonexistent\/chromium/);
      expect(child.seconds).toBeLessThan(30);
    });
  });
}
