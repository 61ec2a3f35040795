/**
 * Without Chromium, `npm test` passes on a fresh machine: the browser tests are skipped with one
 * line saying how to enable it, while under CI=true the missing browser fails the run at once.
 * The cases are shared with core-wasm's browser test (scripts/test-support/browser-skip.js).
 */
import { fileURLToPath } from 'node:url';
import { describeWithoutChromium } from '../../../scripts/test-support/browser-skip.js';

describeWithoutChromium({
  packageRoot: fileURLToPath(new URL('..', import.meta.url)),
  testFile: 'test/e2e.test.ts',
  what: 'the end-to-end test',
});
