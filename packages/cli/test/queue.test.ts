/**
 * `dualphi sweep --queue` and `dualphi worker` against a real redis-server (127.0.0.1, a
 * free port, a password): a coordinator and two workers give the local sweep's results; a
 * worker killed with SIGKILL mid-job still gives them (its job stalls and another worker
 * retries it); two coordinators of one sweep train each run once; a data mismatch fails the
 * jobs for good (reported, exit 1) and `--resume` retries them; a Redis restart without its data
 * has the coordinator queue its jobs again; a malformed job is rejected, never run; a wrong
 * password is one clear error.
 * BullMQ's lock and stall periods are cut to a second or two through the environment.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, redisAvailable, startRedis } from './redis.js';
import { binary, type CliResult, runCli } from './run-cli.js';

const PASSWORD = 'dualphi-test-secret';
const env = {
  DUALPHI_QUEUE_LOCK_MS: '2000',
  DUALPHI_QUEUE_STALLED_MS: '1000',
  DUALPHI_QUEUE_POLL_MS: '200',
};
/** A 2 × 1 grid, 2 seeds on the embedded digits. */
const grid = [
  '--lr',
  '0.05,golden',
  '--momentum',
  'golden',
  '--optimizers',
  'none',
  '--seeds',
  '2',
];
const quick = ['sweep', '--json', '--epochs', '2', '--hidden', '16', ...grid];
/** Long enough runs (a fraction of a second) that a kill lands mid-job. */
const slower = ['sweep', '--json', '--epochs', '40', '--hidden', '32', ...grid];

let scratch: string;
let redis: RedisServer | undefined;
const children: ChildProcess[] = [];
let localQuick: CliResult;
let localSlower: CliResult;

const url = (db: number, password = PASSWORD) =>
  `redis://:${password}@127.0.0.1:${redis?.port}/${db}`;

/** The document without what differs between runs (timings, machine). */
function deterministic(stdout: string): unknown {
  const { timings: _t, machine: _m, ...rest } = JSON.parse(stdout);
  return rest;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  /** Resolves once the output matches. */
  waitFor: (pattern: RegExp, ms?: number) => Promise<RegExpMatchArray>;
}

function startWorker(db: number, cwd?: string): Running {
  const child = spawn(process.execPath, [binary, 'worker', '--queue', url(db), '--workers', '1'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let text = '';
  const listeners = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      text += chunk;
      for (const listener of listeners) listener();
    });
  }
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exit,
    waitFor: (pattern, ms = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} in the worker's output:\n${text}`));
        }, ms);
        listeners.add(check);
        check();
      }),
  };
}

const RUN = redisAvailable("the CLI's queue tests");

describe.runIf(RUN)('sweep --queue and worker (BullMQ on a real redis-server)', () => {
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'dualphi-cli-queue-'));
    redis = await startRedis(scratch, PASSWORD);
    localQuick = await runCli([...quick, '--workers', '1']);
    localSlower = await runCli([...slower, '--workers', '1']);
    expect(localQuick.code, localQuick.stderr).toBe(0);
    expect(localSlower.code, localSlower.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await redis?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 20_000);

  it('one coordinator and two workers give the local results; SIGTERM stops a worker cleanly', async () => {
    const workers = [startWorker(1), startWorker(1)];
    const out = join(scratch, 'two-workers');
    const result = await runCli([...quick, '--queue', url(1), '--out', out], {
      env,
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Queued 4 runs on dualphi-sweep');
    expect(result.stderr).not.toContain(PASSWORD);
    expect(deterministic(result.stdout)).toEqual(deterministic(localQuick.stdout));
    const taken = workers.map((w) => (w.output().match(/finished job/g) ?? []).length);
    expect(taken[0] + taken[1]).toBe(4);
    for (const worker of workers) worker.child.kill('SIGTERM');
    for (const worker of workers) {
      expect(await worker.exit).toBe(0);
      expect(worker.output()).toMatch(/worker: SIGTERM: .*leaving/);
      expect(worker.output()).toMatch(/worker: stopped after \d+ job\(s\)/);
    }
  }, 90_000);

  it('two coordinators of the same sweep share its jobs: each run is trained once', async () => {
    const worker = startWorker(6);
    const [first, second] = await Promise.all([
      runCli([...quick, '--queue', url(6)], { env, timeoutMs: 60_000 }),
      runCli([...quick, '--queue', url(6)], { env, timeoutMs: 60_000 }),
    ]);
    for (const result of [first, second]) {
      expect(result.code, result.stderr).toBe(0);
      expect(deterministic(result.stdout)).toEqual(deterministic(localQuick.stdout));
    }
    expect(worker.output().match(/finished job/g)).toHaveLength(4);
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
  }, 90_000);

  it('a worker killed with SIGKILL mid-job: another worker retries its job, same results', async () => {
    const victim = startWorker(2);
    const coordinator = runCli([...slower, '--queue', url(2)], { env, timeoutMs: 90_000 });
    const [, id] = await victim.waitFor(/took job (\S+):/);
    victim.child.kill('SIGKILL');
    await victim.exit;
    expect(victim.output()).not.toContain(`finished job ${id}`);
    const survivor = startWorker(2);
    const result = await coordinator;
    expect(result.code, result.stderr).toBe(0);
    expect(survivor.output()).toContain(`finished job ${id}`);
    expect(deterministic(result.stdout)).toEqual(deterministic(localSlower.stdout));
    survivor.child.kill('SIGTERM');
    expect(await survivor.exit).toBe(0);
  }, 120_000);

  it('rejects malformed jobs and unknown versions without running them', async () => {
    const connection = new Redis(url(3), { maxRetriesPerRequest: null });
    const queue = new Queue('dualphi-sweep', { connection });
    try {
      await queue.add(
        'sweep-run',
        { kind: 'dualphi-sweep-job', version: 99 },
        { jobId: 'future-version', attempts: 3 },
      );
      await queue.add('sweep-run', { hello: 'world' }, { jobId: 'garbage', attempts: 3 });
      await queue.add(
        'sweep-run',
        { kind: 'dualphi-sweep-job', version: 2, sweep: 'abcdef0123456789', task: { cellId: 'x' } },
        { jobId: 'incomplete', attempts: 3 },
      );
      const result = await runCli(['worker', '--queue', url(3), '--exit-when-idle'], {
        env,
        timeoutMs: 60_000,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        /rejected job future-version: unknown dualphi-sweep-job version 99/,
      );
      expect(result.stderr).toMatch(/rejected job garbage: not a dualphi-sweep-job message/);
      expect(result.stderr).toMatch(/rejected job incomplete: malformed sweep job: .*label/);
      expect(result.stderr).not.toContain('took job');
      expect(result.stderr).toContain('the queue is empty');
      for (const id of ['future-version', 'garbage', 'incomplete']) {
        const job = await queue.getJob(id);
        expect(await job?.getState()).toBe('failed');
        expect(job?.failedReason).toMatch(/^rejected: /);
        // Not retried: a malformed job stays malformed.
        expect(job?.attemptsMade).toBe(1);
      }
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 90_000);

  it('a data mismatch fails every job for good (reported, exit 1); --resume retries them and completes', async () => {
    // Two machines' copies of train.csv: the same name, one value different.
    const csv = (last: number) =>
      `a,b,y\n${Array.from({ length: 60 }, (_, i) => `${(i % 7) / 7},${i === 59 ? last : (i % 5) / 5},${i % 2}`).join('\n')}\n`;
    const here = join(scratch, 'coordinator-machine');
    const there = join(scratch, 'other-machine');
    await mkdir(here);
    await mkdir(there);
    await writeFile(join(here, 'train.csv'), csv(0.8));
    await writeFile(join(there, 'train.csv'), csv(0.9));
    const sweep = [
      ...['sweep', '--json', '--data', 'train.csv', '--label', 'y', '--test-split', '0.25'],
      ...['--epochs', '2', '--hidden', '4', ...grid.slice(0, -1), '1'],
    ];
    const local = await runCli([...sweep, '--workers', '1'], { cwd: here });
    expect(local.code, local.stderr).toBe(0);

    const wrong = startWorker(4, there);
    const failed = await runCli([...sweep, '--queue', url(4), '--out', 'sweep'], {
      cwd: here,
      env,
      timeoutMs: 60_000,
    });
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(
      /error: 2 of 2 runs failed for good \(listed above\); the other 0 are done; --resume sweep tries the failed ones again/,
    );
    expect(failed.stderr).toMatch(
      /failed: η=0\.05 α=α\*, seed 0 \(job dualphi-[0-9a-f-]+, 1 tries\): the worker's copy of --data train\.csv is not the coordinator's/,
    );
    const document = JSON.parse(failed.stdout);
    expect(document.complete).toBe(false);
    expect(document.failed).toHaveLength(2);
    for (const failure of document.failed) {
      expect(failure.error).toMatch(
        /content hash sha256:[0-9a-f]{64} here, sha256:[0-9a-f]{64} in the job/,
      );
    }
    wrong.child.kill('SIGTERM');
    expect(await wrong.exit).toBe(0);

    const right = startWorker(4, here);
    const resumed = await runCli(['sweep', '--json', '--resume', 'sweep', '--queue', url(4)], {
      cwd: here,
      env,
      timeoutMs: 60_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('2 of which had failed before and are tried again');
    expect(deterministic(resumed.stdout)).toEqual(deterministic(local.stdout));
    right.child.kill('SIGTERM');
    expect(await right.exit).toBe(0);
  }, 120_000);

  it('Redis restarts without its data: the coordinator queues its jobs again and completes', async () => {
    const directory = join(scratch, 'restarting-redis');
    await mkdir(directory);
    let server = await startRedis(directory, PASSWORD);
    const port = server.port;
    const address = `redis://:${PASSWORD}@127.0.0.1:${port}/0`;
    try {
      let queued!: () => void;
      const isQueued = new Promise<void>((resolve) => {
        queued = resolve;
      });
      const coordinator = runCli([...quick, '--queue', address], {
        env,
        timeoutMs: 90_000,
        onOutput: (_child, _text, all) => {
          if (all.includes('Queued 4 runs')) queued();
        },
      });
      await isQueued;
      await server.stop();
      server = await startRedis(directory, PASSWORD, port);
      const child = spawn(
        process.execPath,
        [binary, 'worker', '--queue', address, '--workers', '1'],
        {
          env: { ...process.env, NO_COLOR: '1', ...env },
          stdio: 'ignore',
        },
      );
      children.push(child);
      const result = await coordinator;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr, result.stderr).toMatch(
        /lost the connection to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 .*; reconnecting/,
      );
      expect(result.stderr, result.stderr).toMatch(/reconnected to Redis at/);
      expect(
        result.stderr.match(/is no longer in the queue; queued again/g),
        result.stderr,
      ).toHaveLength(4);
      expect(deterministic(result.stdout)).toEqual(deterministic(localQuick.stdout));
      child.kill('SIGTERM');
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('a wrong password is one clear error, without the password', async () => {
    for (const args of [
      ['worker', '--queue', url(0, 'not-the-password')],
      [...quick, '--queue', url(0, 'not-the-password')],
    ]) {
      const result = await runCli(args, { env, timeoutMs: 30_000 });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /error: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 refused the user name or password .*check the credentials in --queue/,
      );
      expect(result.stderr).not.toContain('not-the-password');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});
