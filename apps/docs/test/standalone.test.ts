/**
 * The repository stands alone: no tracked source or documentation file cites notes that live
 * outside it. Citations go to the papers (arXiv number and equation) and to files inside the
 * repository, above all the docs' theory page by its stable anchors
 * (`apps/docs/theory.md#constants`). The bare "§N of the theory notes" form, the performance
 * and optimizer notes and any path into the shared notes folder are refused.
 *
 * Runs on the source tree (no build needed). The forbidden forms are written as regular
 * expressions with escapes, so this file does not match itself.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { derivation } from '@dualphi/optimizer';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Citations of notes outside the repository, each with what to write instead. */
const FORBIDDEN: { pattern: RegExp; instead: string }[] = [
  {
    // The notes' numbered sections, with or without backticks around the file name. A link
    // to the docs' page with an anchor (apps/docs/theory.md#constants) is fine.
    pattern: /theory\.md`?\s*§/,
    instead: 'apps/docs/theory.md#<anchor>',
  },
  { pattern: /performance\.md/, instead: 'a BENCHMARKS.md or bench/notes.md of the repository' },
  { pattern: /optimizers\.md/, instead: 'the docs page or the paper' },
  { pattern: /\.\.\/shared/, instead: 'a file inside the repository' },
  { pattern: /shared\/notes/, instead: 'a file inside the repository' },
];

/** Paths that are not the project's own text: generated, installed or built. */
function skipped(path: string): boolean {
  return (
    path === 'package-lock.json' ||
    /(^|\/)(node_modules|dist|\.git)(\/|$)/.test(path) ||
    path.startsWith('apps/docs/api/') ||
    path.startsWith('apps/docs/.vitepress/cache/') ||
    path.startsWith('apps/docs/.vitepress/dist/')
  );
}

/** Every file outside node_modules, dist and .git (when git cannot list the tracked ones). */
function walk(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    const name = relative(root, path).split('\\').join('/');
    if (skipped(name)) return [];
    if (entry.isDirectory()) return walk(path);
    return entry.isFile() ? [name] : [];
  });
}

/** The repository's tracked files (git ls-files), or the whole tree outside a git checkout. */
function trackedFiles(): string[] {
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
  } catch {
    files = walk(root);
  }
  return files.filter((path) => !skipped(path));
}

/** Every file the guard reads, with its text (binary and deleted files left out). */
function trackedTexts(): { path: string; text: string }[] {
  const texts: { path: string; text: string }[] = [];
  for (const path of trackedFiles()) {
    const full = join(root, path);
    try {
      if (!statSync(full).isFile()) continue;
      const bytes = readFileSync(full);
      if (bytes.includes(0)) continue; // binary
      texts.push({ path, text: bytes.toString('utf8') });
    } catch {
      // listed by git but deleted in the work tree
    }
  }
  return texts;
}

/** The explicit anchors of the theory page: `## 4. The two constants {#constants}`. */
function theoryAnchors(): Set<string> {
  const page = readFileSync(join(root, 'apps/docs/theory.md'), 'utf8');
  return new Set([...page.matchAll(/^#{2,4} .*\{#([a-z0-9-]+)\}\s*$/gm)].map((match) => match[1]));
}

/** Each forbidden citation in a text, as `line: excerpt → instead`. */
function externalCitations(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    for (const { pattern, instead } of FORBIDDEN) {
      const match = pattern.exec(line);
      if (match) {
        const excerpt = line.slice(Math.max(0, match.index - 30), match.index + 40).trim();
        found.push(`${index + 1}: …${excerpt}… (cite ${instead})`);
      }
    }
  });
  return found;
}

describe('the repository stands alone', () => {
  it('recognises citations of outside notes, and lets links into the repository pass', () => {
    const section = String.fromCharCode(0xa7);
    for (const bad of [
      `constants (theory${'.'}md ${section}4)`,
      `see \`theory${'.'}md\` ${section}4–${section}5`,
      `(see performance${'.'}md: 2.3× faster)`,
      `optimizers${'.'}md`,
      ['..', 'shared', 'notes', 'tfjs.md'].join('/'),
      `(${['shared', 'notes', 'tfjs.md'].join('/')})`,
    ]) {
      expect(externalCitations(bad).length, bad).toBeGreaterThan(0);
    }
    for (const good of [
      'constants (apps/docs/theory.md#constants)',
      "the docs' theory page, #constants",
      '[theory §4](/theory#constants)',
      'readFileSync(new URL("../theory.md", import.meta.url))',
      'packages/core-wasm/bench/notes.md',
    ]) {
      expect(externalCitations(good), good).toEqual([]);
    }
  });

  it('no tracked source or docs file cites notes outside the repository', () => {
    const texts = trackedTexts();
    expect(texts.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const { path, text } of texts) {
      for (const problem of externalCitations(text)) problems.push(`${path}:${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('every citation of the theory page names an anchor the page has', () => {
    const anchors = theoryAnchors();
    for (const name of ['sources', 'dual-processes', 'golden-ratio', 'unit-circle', 'constants']) {
      expect(anchors, name).toContain(name);
    }
    const broken: string[] = [];
    let cited = 0;
    for (const { path, text } of trackedTexts()) {
      // apps/docs/theory.md#constants, and the further anchors of a list or range after it
      // ("#golden-ratio, #constants", "#dual-processes to #process-balance").
      for (const match of text.matchAll(
        /apps\/docs\/theory\.md#([a-z0-9-]+)((?:(?:,| and| to)\s+#[a-z0-9-]+)*)/g,
      )) {
        const names = [match[1], ...[...match[2].matchAll(/#([a-z0-9-]+)/g)].map((m) => m[1])];
        for (const name of names) {
          cited++;
          if (!anchors.has(name)) broken.push(`${path}: #${name}`);
        }
      }
    }
    expect(cited).toBeGreaterThan(5);
    expect(broken).toEqual([]);
  });

  it('every derivation step names a section the theory page has', () => {
    const anchors = theoryAnchors();
    for (const step of derivation()) expect(anchors, step.id).toContain(step.section);
  });
});
