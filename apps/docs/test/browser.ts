/**
 * Launches Debian's Chromium through playwright-core (which cannot download browsers here).
 *
 * A fresh machine without Chromium must still pass `npm test`: outside CI a missing browser
 * skips the browser tests with one line saying how to enable them. Under `CI=true` a missing
 * browser is a failure, because `.ci/run` installs it and a skip there would hide a lost test.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser; override with DUALPHI_CHROMIUM. */
export const CHROMIUM_PATH = process.env.DUALPHI_CHROMIUM || '/usr/bin/chromium';

const WHAT = "the docs' browser tests";

/** True when running under CI (`CI` set to anything but empty, `0` or `false`). */
export function inCi(): boolean {
  const value = (process.env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

function missingMessage(): string {
  return (
    `${WHAT} need Chromium, not found at ${CHROMIUM_PATH}: ` +
    'install it with `apt-get install -y chromium` or set DUALPHI_CHROMIUM to its path'
  );
}

/**
 * Whether the browser tests should run. When Chromium is missing outside CI, prints one line
 * to stderr (vitest does not list the names of skipped tests) and returns false; under CI it
 * returns true so that the tests run and fail at once on the missing browser.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH) || inCi()) return true;
  process.stderr.write(`skipped: ${missingMessage()} (under CI=true this fails).\n`);
  return false;
}

/** Starts headless Chromium, or throws saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${missingMessage()}.`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
