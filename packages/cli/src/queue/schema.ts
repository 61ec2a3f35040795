/**
 * The versioned messages of a queued sweep: the job a coordinator enqueues for one
 * (cell, seed) and the result a worker posts back. Both are plain JSON (they carry no code),
 * and both are checked on receipt: an unknown version or a malformed message is rejected
 * with a message naming what is wrong, never executed or recorded.
 */
import type { SweepRecord, SweepTask } from '@dualphi/optimizer';
import { z } from 'zod';

/**
 * The version of {@link SweepJob} and {@link SweepJobResult}; bumped when a field is added or
 * changes meaning. 2: a result's record carries the kernel build and thread count that
 * computed it (so that a worker of another dualphi version is refused by its version, not by
 * an unknown field).
 */
export const QUEUE_SCHEMA_VERSION = 2;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** An epoch figure: JSON has no NaN, so a missing figure travels as null. */
const figure = z.number().nullable();

const sourceSchema = z.strictObject({
  data: z.string().min(1),
  label: z.string().optional(),
  test: z.string().optional(),
  testSplit: finite.optional(),
  seed: z.number().int(),
});

const settingsSchema = z.strictObject({
  hidden: z.array(z.number().int().positive()),
  activation: z.enum(['relu', 'tanh']),
  epochs: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  labelSmoothing: finite,
  validationSplit: finite,
});

const taskSchema = z.strictObject({
  cellId: z.string().min(1),
  seed: z.number().int(),
  optimizer: z.strictObject({
    name: z.string().min(1),
    hyperParameters: z.record(z.string(), z.union([finite, z.boolean()])),
  }),
});

const jobSchema = z.strictObject({
  kind: z.literal('dualphi-sweep-job'),
  version: z.number(),
  sweep: z.string().regex(/^[0-9a-f]{16,64}$/),
  label: z.string(),
  source: sourceSchema,
  settings: settingsSchema,
  dataHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  task: taskSchema,
});

const epochSchema = z.strictObject({
  epoch: z.number().int().positive(),
  trainLoss: figure,
  validationLoss: figure,
  validationAccuracy: figure,
  testLoss: figure,
  testAccuracy: figure,
});

const recordSchema = z.strictObject({
  cellId: z.string().min(1),
  seed: z.number().int(),
  epochs: z.array(epochSchema),
  diverged: z
    .strictObject({
      epoch: z.number().int(),
      batch: z.number().int(),
      quantity: z.string(),
    })
    .optional(),
  seconds: z.number(),
  // The worker's kernel build and threads; absent from workers of earlier versions (unknown).
  kernels: z.string().min(1).max(100).optional(),
  threads: z.number().int().positive().optional(),
});

const resultSchema = z.strictObject({
  kind: z.literal('dualphi-sweep-result'),
  version: z.number(),
  sweep: z.string(),
  record: recordSchema,
});

/** One queued (cell, seed): what to train on which data, and the data's content hash. */
export interface SweepJob {
  /** Always `'dualphi-sweep-job'`. */
  kind: 'dualphi-sweep-job';
  /** {@link QUEUE_SCHEMA_VERSION}. */
  version: number;
  /** The sweep's key (see `sweepKey`): jobs of different sweeps never share an id. */
  sweep: string;
  /** The cell's label, for the worker's log lines. */
  label: string;
  /** Where the data comes from, as the coordinator's flags named it. */
  source: z.infer<typeof sourceSchema>;
  /** Network and training settings shared by all cells. */
  settings: z.infer<typeof settingsSchema>;
  /** `sha256:` + hex of the coordinator's data (see `dataHash`); the worker checks its copy. */
  dataHash: string;
  /** The (cell, seed) and its optimizer configuration. */
  task: SweepTask;
}

/** What a worker posts back for a finished job. */
export interface SweepJobResult {
  /** Always `'dualphi-sweep-result'`. */
  kind: 'dualphi-sweep-result';
  /** {@link QUEUE_SCHEMA_VERSION}. */
  version: number;
  /** The sweep's key, as in the job. */
  sweep: string;
  /** The record, with missing figures as null (JSON has no NaN). */
  record: unknown;
}

/** A message that failed its check: why, in words. */
export class MessageRejectedError extends Error {
  /** @param message - what is wrong with the message, and what is accepted. */
  constructor(message: string) {
    super(message);
    this.name = 'MessageRejectedError';
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 4)
    .map(
      (issue) =>
        `${issue.path.length > 0 ? issue.path.join('.') : 'the message'}: ${issue.message}`,
    )
    .join('; ');
}

function checkHeader(value: unknown, kind: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MessageRejectedError(
      `not a ${kind} message (got ${value === null ? 'null' : typeof value})`,
    );
  }
  const { kind: given, version } = value as { kind?: unknown; version?: unknown };
  if (given !== kind) {
    throw new MessageRejectedError(`not a ${kind} message (its kind is ${JSON.stringify(given)})`);
  }
  if (version !== QUEUE_SCHEMA_VERSION) {
    throw new MessageRejectedError(
      `unknown ${kind} version ${JSON.stringify(version)} (this dualphi reads version ${QUEUE_SCHEMA_VERSION}; run the same dualphi version on the coordinator and the workers)`,
    );
  }
}

/**
 * Checks a job payload received from the queue.
 *
 * @throws MessageRejectedError for an unknown version or a malformed payload.
 */
export function parseSweepJob(value: unknown): SweepJob {
  checkHeader(value, 'dualphi-sweep-job');
  const parsed = jobSchema.safeParse(value);
  if (!parsed.success) {
    throw new MessageRejectedError(`malformed sweep job: ${describeIssues(parsed.error)}`);
  }
  return parsed.data as SweepJob;
}

/** A record as a result message (NaN figures become null). */
export function resultMessage(sweep: string, record: SweepRecord): SweepJobResult {
  return {
    kind: 'dualphi-sweep-result',
    version: QUEUE_SCHEMA_VERSION,
    sweep,
    record: JSON.parse(
      JSON.stringify(record, (_key, value) =>
        typeof value === 'number' && !Number.isFinite(value) ? null : value,
      ),
    ),
  };
}

/**
 * Checks a result received from the queue and returns its record (null figures back to NaN).
 *
 * @throws MessageRejectedError for an unknown version, a malformed result, or a result of
 *   another sweep or (cell, seed) than `expected`.
 */
export function parseSweepResult(
  value: unknown,
  expected: { sweep: string; cellId: string; seed: number },
): SweepRecord {
  checkHeader(value, 'dualphi-sweep-result');
  const parsed = resultSchema.safeParse(value);
  if (!parsed.success) {
    throw new MessageRejectedError(`malformed sweep result: ${describeIssues(parsed.error)}`);
  }
  const { sweep, record } = parsed.data;
  if (
    sweep !== expected.sweep ||
    record.cellId !== expected.cellId ||
    record.seed !== expected.seed
  ) {
    throw new MessageRejectedError(
      `the result is for ${record.cellId} seed ${record.seed} of sweep ${sweep}, not the job's ${expected.cellId} seed ${expected.seed} of sweep ${expected.sweep}`,
    );
  }
  const nan = (x: number | null): number => (x === null ? Number.NaN : x);
  return {
    ...record,
    epochs: record.epochs.map((epoch) => ({
      epoch: epoch.epoch,
      trainLoss: nan(epoch.trainLoss),
      validationLoss: nan(epoch.validationLoss),
      validationAccuracy: nan(epoch.validationAccuracy),
      testLoss: nan(epoch.testLoss),
      testAccuracy: nan(epoch.testAccuracy),
    })),
  } as SweepRecord;
}
