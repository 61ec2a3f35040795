/**
 * The packages as a user installs them: `npm pack` each package of the command's dependency
 * chain (core-wasm ← optimizer ← cli), check each tarball's file list, unpack the tarballs into
 * a directory outside the repository as `node_modules/@dualphi/*`, link their third-party
 * dependencies from the workspace (no network, no npm registry), then run the packed `dualphi`
 * binary, import the packed libraries and type-check a user file against their `exports`.
 *
 * `npm pack --ignore-scripts`: the packages' `prepack` (clean, then rebuild) would delete dist/
 * under tests running beside this one; the build task that `turbo run test` depends on has
 * just written dist/. So a file left in dist/ by a module since deleted would ship here but not
 * from `npm publish`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPOSITORY = fileURLToPath(new URL('../../..', import.meta.url));
/** The command and what it depends on, in dependency order. */
const PACKAGES = ['core-wasm', 'optimizer', 'cli'] as const;
type PackageName = (typeof PACKAGES)[number];

/** Files each tarball must hold, beside package.json, README.md, LICENSE and dist/index.{js,d.ts}. */
const REQUIRED: Record<PackageName, string[]> = {
  'core-wasm': [
    'build/dualphi-core.wasm',
    'build/dualphi-core-shared.wasm',
    'build/dualphi-core-relaxed.wasm',
    'build/dualphi-core-shared-relaxed.wasm',
    'dist/reference/index.js',
    'dist/reference/index.d.ts',
  ],
  optimizer: ['DATA-LICENSE.md'],
  cli: ['bin/dualphi.js'],
};
/** What must not ship: maps (src/ is not shipped), tests and their helpers, development folders. */
const FORBIDDEN = [/\.map$/, /\.test\./, /test-helpers/, /^(src|test|bench|scripts|assembly)\//];

/** The file list of each tarball, by package. */
const contents = new Map<PackageName, string[]>();
let project: string;

/** Runs npm: the one running the tests when there is one (`npm test`), else `npm` on the PATH. */
function npm(args: string[], cwd: string) {
  const cli = process.env.npm_execpath;
  return cli?.endsWith('.js')
    ? run(process.execPath, [cli, ...args], { cwd })
    : run('npm', args, { cwd });
}

/** A third-party dependency's folder in the workspace, as npm laid it out. */
function workspaceDependency(name: PackageName, dependency: string): string {
  const candidates = [
    join(REPOSITORY, 'packages', name, 'node_modules', dependency),
    join(REPOSITORY, 'node_modules', dependency),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`${dependency} (a dependency of @dualphi/${name}) is not installed`);
  return found;
}

beforeAll(async () => {
  project = await realpath(await mkdtemp(join(tmpdir(), 'dualphi-packaging-')));
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'user-project', private: true, type: 'module' }),
  );
  for (const name of PACKAGES) {
    const { stdout } = await npm(
      ['pack', '--ignore-scripts', '--json', '--pack-destination', project],
      join(REPOSITORY, 'packages', name),
    );
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    contents.set(
      name,
      packed.files.map((file) => file.path),
    );
    const target = join(project, 'node_modules', '@dualphi', name);
    await mkdir(target, { recursive: true });
    await run('tar', [
      '-xzf',
      join(project, packed.filename),
      '-C',
      target,
      '--strip-components=1',
    ]);
    const manifest = JSON.parse(await readFile(join(target, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (dependency.startsWith('@dualphi/')) continue;
      const link = join(project, 'node_modules', dependency);
      if (existsSync(link)) continue;
      await mkdir(dirname(link), { recursive: true });
      await symlink(workspaceDependency(name, dependency), link, 'dir');
    }
  }
}, 120_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe.each(PACKAGES)('the @dualphi/%s tarball', (name) => {
  it('holds the built code with its declarations, the README and the licence', () => {
    const files = contents.get(name) ?? [];
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.d.ts',
      ...REQUIRED[name],
    ])
      expect(files, file).toContain(file);
    for (const file of files.filter((path) => path.endsWith('.js') && path.startsWith('dist/')))
      expect(files, `declarations of ${file}`).toContain(file.replace(/\.js$/, '.d.ts'));
  });

  it('ships no maps, tests or development folders', () => {
    const files = contents.get(name) ?? [];
    expect(files.filter((path) => FORBIDDEN.some((pattern) => pattern.test(path)))).toEqual([]);
  });
});

describe('installed from the tarballs', () => {
  it('`dualphi constants --json` prints the golden constants', async () => {
    const { stdout } = await run(
      process.execPath,
      [join(project, 'node_modules/@dualphi/cli/bin/dualphi.js'), 'constants', '--json'],
      { cwd: project, env: { ...process.env, NO_COLOR: '1' } },
    );
    const phi = (1 + Math.sqrt(5)) / 2;
    expect(JSON.parse(stdout).momentum).toBeCloseTo(Math.SQRT2 / phi, 14);
  });

  it('the libraries import from the unpacked packages and load the packed .wasm', async () => {
    const script = `
      import { loadKernels } from '@dualphi/core-wasm';
      import { createReferenceKernels } from '@dualphi/core-wasm/reference';
      import { golden, loadDigits } from '@dualphi/optimizer';
      const kernels = await loadKernels();
      const threaded = await loadKernels({ threads: 2 });
      console.log(JSON.stringify({
        kernels: kernels.name,
        threads: threaded.threads,
        reference: createReferenceKernels().name,
        momentum: golden.momentum,
        samples: loadDigits().train.count,
        optimizer: import.meta.resolve('@dualphi/optimizer'),
        wasm: import.meta.resolve('@dualphi/core-wasm/dualphi-core.wasm'),
      }));
    `;
    await writeFile(join(project, 'user.mjs'), script);
    const { stdout } = await run(process.execPath, ['user.mjs'], { cwd: project });
    const result = JSON.parse(stdout);
    expect(result.kernels).toBe('wasm-simd');
    expect(result.threads).toBe(2);
    expect(result.reference).toBe('reference');
    expect(result.samples).toBe(1438);
    expect(fileURLToPath(result.optimizer).startsWith(project)).toBe(true);
    expect(fileURLToPath(result.wasm)).toBe(
      join(project, 'node_modules/@dualphi/core-wasm/build/dualphi-core.wasm'),
    );
  });

  it('the packed relaxed-SIMD builds load where relaxed SIMD runs (Node 20: with the flag)', async () => {
    const script = `
      import { loadKernels } from '@dualphi/core-wasm';
      const one = await loadKernels();
      const two = await loadKernels({ threads: 2, build: 'relaxed-simd' });
      console.log(JSON.stringify({ one: one.name, two: two.name, threads: two.threads }));
    `;
    await writeFile(join(project, 'relaxed.mjs'), script);
    const flag =
      Number.parseInt(process.versions.node, 10) < 21 ? ['--experimental-wasm-relaxed-simd'] : [];
    const { stdout } = await run(process.execPath, [...flag, 'relaxed.mjs'], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({
      one: 'wasm-relaxed-simd',
      two: 'wasm-relaxed-simd',
      threads: 2,
    });
  });

  it.each([
    ['NodeNext', 'NodeNext'],
    ['ESNext', 'bundler'],
  ])(
    'a user file type-checks through `exports` (module %s, resolution %s)',
    async (module, resolution) => {
      const source = `
      import { type Kernels, loadKernels } from '@dualphi/core-wasm';
      import { createReferenceKernels } from '@dualphi/core-wasm/reference';
      import { dualProcess, golden, loadDigits, train } from '@dualphi/optimizer';
      import { run } from '@dualphi/cli';
      const kernels: Kernels = await loadKernels();
      const reference: Kernels = createReferenceKernels();
      const result = await train({ data: loadDigits(), hidden: [8], optimizer: dualProcess(), epochs: 1, kernels });
      const code: number = await run(['constants']);
      const momentum: number = golden.momentum;
      console.log(reference, result.model, code, momentum);
    `;
      await writeFile(join(project, 'user.ts'), source);
      const tsc = join(REPOSITORY, 'node_modules/typescript/bin/tsc');
      const options = ['--noEmit', '--strict', '--target', 'ES2022', '--lib', 'ES2022,DOM'];
      const resolutionOptions = ['--module', module, '--moduleResolution', resolution];
      const types = ['--types', 'node', '--typeRoots', join(REPOSITORY, 'node_modules/@types')];
      const result = await run(
        process.execPath,
        [tsc, ...options, ...resolutionOptions, ...types, 'user.ts'],
        { cwd: project },
      ).catch((error: { stdout: string }) => error);
      expect(result.stdout).toBe('');
    },
  );
});
