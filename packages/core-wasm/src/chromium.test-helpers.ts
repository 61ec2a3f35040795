/**
 * Finds the Chromium the browser test drives (playwright-core cannot download browsers here).
 *
 * A fresh machine without Chromium must still pass `npm test`: outside CI a missing browser
 * skips the browser test with one line saying how to enable it. Under `CI=true` a missing
 * browser is a failure, because `.ci/run` installs it and a skip there would hide a lost test.
 */
import { existsSync } from 'node:fs';

/** Where Debian's `chromium` package puts the browser; override with DUALPHI_CHROMIUM. */
export const CHROMIUM_PATH = process.env.DUALPHI_CHROMIUM || '/usr/bin/chromium';

/** True when running under CI (`CI` set to anything but empty, `0` or `false`). */
export function inCi(): boolean {
  const value = (process.env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/** How to get the browser, for the skip line and the CI failure alike. */
export function chromiumMissingMessage(what: string): string {
  return (
    `${what} need Chromium, not found at ${CHROMIUM_PATH}: ` +
    'install it with `apt-get install -y chromium` or set DUALPHI_CHROMIUM to its path'
  );
}

/**
 * Whether the browser tests should run. When Chromium is missing outside CI, prints one line
 * to stderr (vitest does not list the names of skipped tests) and returns false; under CI it
 * returns true so the tests run and fail at once on the missing browser.
 */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM_PATH) || inCi()) return true;
  process.stderr.write(`skipped: ${chromiumMissingMessage(what)} (under CI=true this fails).\n`);
  return false;
}
