/**
 * Without Chromium, `npm test` passes on a fresh machine: the browser test is skipped with one
 * line saying how to enable it, while under CI=true the missing browser fails the run at once.
 * The cases are shared with the docs' end-to-end test (scripts/test-support/browser-skip.js).
 */
import { fileURLToPath } from 'node:url';
import { describeWithoutChromium } from '../../../scripts/test-support/browser-skip.js';

describeWithoutChromium({
  packageRoot: fileURLToPath(new URL('..', import.meta.url)),
  testFile: 'src/browser.test.ts',
  what: 'the browser test',
});
