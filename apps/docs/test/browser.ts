/**
 * Launches Debian's Chromium through playwright-core (which cannot download browsers here).
 * A missing browser is a failure with instructions, never a silent skip: CI installs it.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser; override with DUALPHI_CHROMIUM. */
export const CHROMIUM_PATH = process.env.DUALPHI_CHROMIUM ?? '/usr/bin/chromium';

/** Starts headless Chromium, or throws saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the docs' end-to-end test needs it. ` +
        'Install it with `apt-get install -y chromium` (as .ci/run does) or set DUALPHI_CHROMIUM to its path.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
