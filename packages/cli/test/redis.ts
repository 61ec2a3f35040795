/**
 * A throw-away `redis-server` for the queue tests: 127.0.0.1 only, a free port, a temporary
 * directory, no persistence. Outside CI a missing redis-server skips the queue tests with one
 * line on stderr; under CI=true (where `.ci/run` installs it) it is a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where Debian's `redis-server` package puts the server; override with DUALPHI_REDIS_SERVER. */
export const REDIS_SERVER = process.env.DUALPHI_REDIS_SERVER || '/usr/bin/redis-server';

function inCi(): boolean {
  const value = (process.env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/** How to get the server, for the skip line and the CI failure alike. */
export function redisMissingMessage(what: string): string {
  return `${what} need redis-server, not found at ${REDIS_SERVER}: install it with \`apt-get install -y redis-server\` or set DUALPHI_REDIS_SERVER to its path`;
}

/** Whether the queue tests run (prints the one skip line when they do not). */
export function redisAvailable(what: string): boolean {
  if (existsSync(REDIS_SERVER) || inCi()) return true;
  process.stderr.write(`skipped: ${redisMissingMessage(what)} (under CI=true this fails).\n`);
  return false;
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running server. */
export interface RedisServer {
  port: number;
  process: ChildProcess;
  /** Stops it (SIGKILL: nothing is to be saved) and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server on 127.0.0.1 with a password, in `directory` (on `givenPort`, else a
 * free port); resolves once it accepts connections.
 */
export async function startRedis(
  directory: string,
  password: string,
  givenPort?: number,
): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${redisMissingMessage('the queue tests')}.`);
  const port = givenPort ?? (await freePort());
  const child = spawn(
    REDIS_SERVER,
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      directory,
      '--save',
      '',
      '--appendonly',
      'no',
      '--requirepass',
      password,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${log}`)),
      10_000,
    );
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => {
      log += text;
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
  return {
    port,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
