/**
 * Checks on the built site's files (no browser): the theory page carries every step of the
 * optimizer's `derivation()` (so the page cannot drift from the code), no page has raw TeX
 * left, the API reference and the local search index were generated, and the demo's
 * WebAssembly core was emitted as a static file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { derivation, optimizerPresets } from '@dualphi/optimizer';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../.vitepress/dist/', import.meta.url));

function htmlFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return htmlFiles(path);
    return entry.name.endsWith('.html') ? [path] : [];
  });
}

/** Text of an HTML page with tags removed and the entities this check needs decoded. */
function pageText(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('the built site', () => {
  it('exists (run `npm run docs:build` first)', () => {
    expect(existsSync(join(dist, 'index.html'))).toBe(true);
  });

  it('shows every step of derivation() on the theory page, with its value and label', () => {
    const text = pageText(join(dist, 'theory.html'));
    const html = readFileSync(join(dist, 'theory.html'), 'utf8');
    const steps = derivation();
    expect(steps.length).toBeGreaterThan(5);
    for (const step of steps) {
      expect(text, step.id).toContain(step.statement.replace(/\s+/g, ' ').trim());
      expect(text, step.id).toContain(`id ${step.id}`);
      // Its source: the paper with equation or quote, or what the interpretation is.
      expect(text, step.id).toContain(`source: ${step.reference.replace(/\s+/g, ' ')}`);
      // As the page prints it: integers as they are (the balance angle's 45), others to 15 digits.
      if (step.value !== undefined) {
        const shown = Number.isInteger(step.value)
          ? `derivation() : ${step.value} `
          : step.value.toPrecision(15);
        expect(text, step.id).toContain(shown);
      }
    }
    // Every step's formula is a display formula, besides the page's own nine.
    expect((html.match(/<mjx-container[^>]*display="true"/g) ?? []).length).toBeGreaterThanOrEqual(
      steps.length + 9,
    );
  });

  it('lists every optimizer of the registry on the optimizer guide, with its label', () => {
    const text = pageText(join(dist, 'guides', 'optimizer.html'));
    expect(text).not.toContain('@optimizers');
    for (const preset of optimizerPresets) {
      const row = new RegExp(
        `${preset.name} ${preset.module.name} .*?${preset.module.source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      );
      expect(text, preset.name).toMatch(row);
    }
    expect(text).toContain(optimizerPresets[0].module.formula);
  });

  it('keeps every labelled statement of the theory page in its own paragraph', () => {
    // A line that starts with a component tag (<Badge />) becomes a raw HTML block and runs
    // into the next one; the labels are plain spans so each statement stays a paragraph.
    const source = readFileSync(fileURLToPath(new URL('../theory.md', import.meta.url)), 'utf8');
    const labelled = source.match(/^<span class="VPBadge (tip|warning)">/gm) ?? [];
    const html = readFileSync(join(dist, 'theory.html'), 'utf8');
    expect(labelled.length).toBeGreaterThan(10);
    expect((html.match(/<p><span class="VPBadge (tip|warning)">/g) ?? []).length).toBe(
      labelled.length,
    );
  });

  it('links only to anchors that exist (VitePress checks pages, not anchors)', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const page of htmlFiles(dist)) {
      if (page.includes(`${join(dist, 'api')}`)) continue; // TypeDoc's own cross-links
      const html = readFileSync(page, 'utf8');
      for (const [, path, anchor] of html.matchAll(/href="(\/[^"#]*)#([^"]+)"/g)) {
        const target =
          path === '/' ? 'index.html' : `${path.replace(/^\//, '').replace(/\.html$/, '')}.html`;
        const targetFile = join(dist, target);
        const targetHtml = existsSync(targetFile) ? readFileSync(targetFile, 'utf8') : '';
        checked++;
        if (!targetHtml.includes(`id="${decodeURIComponent(anchor)}"`)) {
          broken.push(`${page.slice(dist.length)} → ${path}#${anchor}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
    expect(broken).toEqual([]);
  });

  it('links only to pages and files that were built, the API reference included', () => {
    // VitePress checks links at build time (no ignoreDeadLinks any more); this checks the
    // result as a browser resolves it, relative links from the URL the page is served at.
    const broken = new Set<string>();
    let checked = 0;
    for (const page of htmlFiles(dist)) {
      const relative = page.slice(dist.length).split(sep).join('/');
      const pageUrl = new URL(
        `/${relative.replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, '')}`,
        'http://site',
      );
      const html = readFileSync(page, 'utf8');
      for (const [, href] of html.matchAll(/<a [^>]*href="([^"]+)"/g)) {
        if (/^[a-z]+:/i.test(href) || href.startsWith('#') || href.startsWith('//')) continue;
        const url = new URL(href, pageUrl);
        if (url.host !== 'site') continue;
        const path = decodeURIComponent(url.pathname).replace(/^\//, '');
        const candidates =
          path.endsWith('/') || path === ''
            ? [`${path}index.html`]
            : [path, `${path}.html`, `${path}/index.html`];
        checked++;
        if (!candidates.some((candidate) => existsSync(join(dist, candidate)))) {
          broken.add(`${relative} → ${href}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect([...broken]).toEqual([]);
  });

  it('has no raw TeX delimiters left in any page', () => {
    const pages = htmlFiles(dist);
    expect(pages.length).toBeGreaterThan(10);
    for (const page of pages) expect(pageText(page), page).not.toMatch(/\$\$|\\frac\{|\\sqrt\{/);
  });

  it('includes the generated API reference and a local search index', () => {
    expect(existsSync(join(dist, 'api', 'index.html'))).toBe(true);
    const assets = readdirSync(join(dist, 'assets'));
    expect(
      assets.some((name) => name.startsWith('chunks') || name.includes('localSearchIndex')),
    ).toBe(true);
  });

  it('includes every package BENCHMARKS.md, or says plainly that it is missing', () => {
    const text = pageText(join(dist, 'benchmarks.html'));
    for (const name of ['core-wasm', 'optimizer', 'tfjs-adapter']) {
      const file = fileURLToPath(
        new URL(`../../../packages/${name}/BENCHMARKS.md`, import.meta.url),
      );
      if (existsSync(file)) {
        // Markdown syntax aside, the words of the file's body (its title line is left out)
        // must all be on the page.
        const body = readFileSync(file, 'utf8').split('\n').slice(1).join(' ');
        const words = [...new Set(body.match(/[A-Za-z]{6,}/g) ?? [])];
        expect(words.length, file).toBeGreaterThan(10);
        const missing = words.filter((word) => !text.includes(word));
        expect(missing, file).toEqual([]);
      } else {
        expect(text).toContain(`packages/${name}/BENCHMARKS.md is not in the repository yet`);
      }
    }
  });

  it('ships the WebAssembly core as a static asset for the demo', () => {
    const assets = readdirSync(join(dist, 'assets'));
    expect(assets.some((name) => name.endsWith('.wasm'))).toBe(true);
  });
});
