/**
 * Runs the BUILT `dualphi` binary in a child process (tests exercise what users run).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Path of bin/dualphi.js. */
export const binary = fileURLToPath(new URL('../bin/dualphi.js', import.meta.url));

/** What a finished run left. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with the child and each chunk of stdout+stderr text as it arrives. */
  onOutput?: (child: ChildProcess, text: string, all: string) => void;
  timeoutMs?: number;
  /** Options for node itself, before the script (e.g. a V8 flag). */
  nodeArgs?: readonly string[];
}

/** Runs `dualphi ...args` and resolves when it exits. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), binary, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let all = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`dualphi ${args.join(' ')} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`),
      );
    }, options.timeoutMs ?? 120_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      stdout += text;
      all += text;
      options.onOutput?.(child, text, all);
    });
    child.stderr.on('data', (text: string) => {
      stderr += text;
      all += text;
      options.onOutput?.(child, text, all);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
