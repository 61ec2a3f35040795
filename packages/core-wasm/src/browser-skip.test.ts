/**
 * Without Chromium, `npm test` passes on a fresh machine: the browser test is skipped with one
 * line saying how to enable it, while under CI=true the missing browser fails the run at once
 * (it used to fail everywhere, after a 60-second hang in afterAll). Runs the browser test file
 * in a child vitest with DUALPHI_CHROMIUM naming a browser that does not exist.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
// vitest's own bin (its package exports do not list vitest.mjs, its package.json is there).
const VITEST = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);

function runBrowserTest(ci: boolean) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DUALPHI_CHROMIUM: '/nonexistent/chromium',
    NO_COLOR: '1',
  };
  delete env.CI;
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  if (ci) env.CI = 'true';
  const started = Date.now();
  const child = spawnSync(process.execPath, [VITEST, 'run', 'src/browser.test.ts'], {
    cwd: PACKAGE_ROOT,
    env,
    encoding: 'utf8',
    timeout: 50_000,
  });
  return { ...child, seconds: (Date.now() - started) / 1000 };
}

describe('the browser test without Chromium', () => {
  it('is skipped outside CI, with exactly one line saying how to enable it', () => {
    const child = runBrowserTest(false);
    expect(child.status, child.stdout + child.stderr).toBe(0);
    const lines = `${child.stdout}\n${child.stderr}`
      .split('\n')
      .filter((line) => line.includes('apt-get install'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^skipped: .*\/nonexistent\/chromium.*DUALPHI_CHROMIUM/);
  });

  it('fails under CI=true, at once', () => {
    const child = runBrowserTest(true);
    expect(child.status).not.toBe(0);
    expect(child.stdout + child.stderr).toMatch(/not found at \/nonexistent\/chromium/);
    expect(child.seconds).toBeLessThan(30);
  });
});
