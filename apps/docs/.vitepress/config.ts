import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { derivationPlugin } from './derivation.js';
import { evidencePlugin } from './evidence.js';
import { missingIncludePlugin } from './includes.js';
import { optimizerTablePlugin } from './optimizers.js';

/** The API sidebar TypeDoc writes next to its pages (absent until `typedoc` has run). */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));
  if (!existsSync(file)) {
    return [{ text: 'Run `npm run docs:build` to generate the API pages', link: '/api/' }];
  }
  return JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[];
}

/**
 * The headers that make a page cross-origin isolated (`crossOriginIsolated`), without which
 * browsers give no shared memory. A static host must send both on the site's pages.
 */
const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const guideSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'Getting started',
    items: [
      { text: 'Introduction', link: '/guide/introduction' },
      { text: 'Quick start', link: '/guide/quick-start' },
    ],
  },
  { text: 'Theory', items: [{ text: 'The dual-process model', link: '/theory' }] },
  {
    text: 'Guides',
    items: [
      { text: 'Training from the CLI', link: '/guides/cli' },
      { text: 'The optimizer package', link: '/guides/optimizer' },
      { text: 'The TensorFlow.js adapter', link: '/guides/tfjs-adapter' },
      { text: 'Loss split and process balance', link: '/guides/telemetry' },
      { text: 'Checkpoints and resuming', link: '/guides/checkpoints' },
      { text: 'Sweeping on many machines', link: '/guides/many-machines' },
    ],
  },
  {
    text: 'Measurements',
    items: [
      { text: 'Evidence: does the golden pair win?', link: '/evidence' },
      { text: 'Benchmarks', link: '/benchmarks' },
      { text: 'Live demo', link: '/demo' },
    ],
  },
];

export default defineConfig({
  title: 'dualphi',
  description:
    'Training neural networks with the dual-process model of cross-entropy and its golden-ratio learning rate and momentum.',
  lang: 'en-GB',
  cleanUrls: true,
  srcExclude: ['README.md', 'test-output/**'],
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  lastUpdated: false,
  // Every link is checked, TypeDoc's API pages and the included BENCHMARKS.md files too: a dead
  // link fails the build (VitePress's default; test/site.test.ts checks the built result).
  ignoreDeadLinks: false,
  markdown: {
    // Rendered to SVG at build time by markdown-it-mathjax3: no client-side MathJax, no network.
    math: true,
    config: (md) => {
      md.use(derivationPlugin);
      md.use(optimizerTablePlugin);
      md.use(evidencePlugin);
      md.use(missingIncludePlugin);
    },
  },
  vite: {
    // The demo's training worker imports ES modules (the optimizer and the wasm core).
    worker: { format: 'es' },
    // Cross-origin isolation, so that the demo may use shared memory and worker threads.
    server: { headers: CROSS_ORIGIN_ISOLATION },
    preview: { headers: CROSS_ORIGIN_ISOLATION },
    build: { chunkSizeWarningLimit: 2000 },
  },
  themeConfig: {
    logo: '/favicon.svg',
    search: { provider: 'local' },
    nav: [
      { text: 'Guide', link: '/guide/introduction' },
      { text: 'Theory', link: '/theory' },
      { text: 'Evidence', link: '/evidence' },
      { text: 'Demo', link: '/demo' },
      { text: 'Benchmarks', link: '/benchmarks' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      '/guide/': guideSidebar,
      '/guides/': guideSidebar,
      '/theory': guideSidebar,
      '/benchmarks': guideSidebar,
      '/evidence': guideSidebar,
      '/demo': guideSidebar,
      '/api/': [{ text: 'API reference', link: '/api/', items: apiSidebar() }],
    },
    outline: { level: [2, 3] },
    footer: {
      message:
        'MIT licence. Digits data: E. Alpaydin and C. Kaynak, UCI Machine Learning Repository (1998), CC BY 4.0.',
    },
  },
});
