/**
 * `--queue redis://[user:password@]host:port/db`: parsing the address, connecting with a
 * clear error when Redis cannot be reached or refuses the credentials, and the BullMQ
 * settings coordinator and workers share.
 */
import { Redis } from 'ioredis';
import { CliError, errorMessage, UsageError } from '../errors.js';

/** The one BullMQ queue every dualphi sweep uses (job ids carry the sweep's key). */
export const QUEUE_NAME = 'dualphi-sweep';

/** A parsed `--queue` address. */
export interface QueueAddress {
  /** The address as given (with its password: for connecting only). */
  url: string;
  /** The address with the password masked, for messages. */
  display: string;
}

/**
 * Parses `--queue`.
 *
 * @throws UsageError naming the accepted form.
 */
export function parseQueueAddress(given: string): QueueAddress {
  const form = 'redis://[user:password@]host:port/db (or rediss:// for TLS)';
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError(`--queue ${given}: not an address; give ${form}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UsageError(
      `--queue ${given}: the scheme must be redis:// or rediss://; give ${form}`,
    );
  }
  if (url.hostname === '') throw new UsageError(`--queue ${given}: no host; give ${form}`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new UsageError(`--queue ${given}: the database "${db}" is not a number; give ${form}`);
  }
  const masked = new URL(url.href);
  if (masked.password !== '') masked.password = '***';
  return { url: url.href, display: masked.href };
}

/** Milliseconds from an environment variable, or the default. */
function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 100) {
    throw new UsageError(`${name}=${raw}: give whole milliseconds, at least 100`);
  }
  return value;
}

/** How long jobs hold their lock, how often stalls are looked for, how often a job is tried. */
export interface QueueTiming {
  /** A worker's lock on a job lasts this long unless renewed (BullMQ `lockDuration`). */
  lockDuration: number;
  /** Period of the check for jobs whose worker vanished (BullMQ `stalledInterval`). */
  stalledInterval: number;
  /** How often the coordinator looks at its jobs. */
  pollInterval: number;
  /** Tries per job before it fails for good (a stalled try counts). */
  attempts: number;
}

/**
 * The timing: BullMQ's defaults (30 s locks and stall checks), shortened through
 * `DUALPHI_QUEUE_LOCK_MS`, `DUALPHI_QUEUE_STALLED_MS` and `DUALPHI_QUEUE_POLL_MS` (the
 * tests use a second or two so that a killed worker's job is retried quickly).
 */
export function queueTiming(env: NodeJS.ProcessEnv): QueueTiming {
  return {
    lockDuration: milliseconds(env, 'DUALPHI_QUEUE_LOCK_MS', 30_000),
    stalledInterval: milliseconds(env, 'DUALPHI_QUEUE_STALLED_MS', 30_000),
    pollInterval: milliseconds(env, 'DUALPHI_QUEUE_POLL_MS', 500),
    attempts: 3,
  };
}

function explain(error: unknown, address: QueueAddress): string {
  const text = errorMessage(error);
  if (/WRONGPASS|invalid password|invalid username-password/i.test(text)) {
    return `Redis at ${address.display} refused the user name or password (${text}); check the credentials in --queue`;
  }
  if (/NOAUTH/i.test(text)) {
    return `Redis at ${address.display} requires a password (${text}); give it as --queue redis://:PASSWORD@host:port/db`;
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|connect/i.test(text)) {
    return `cannot reach Redis at ${address.display} (${text}); is redis-server running there?`;
  }
  return `Redis at ${address.display}: ${text}`;
}

/**
 * Opens a connection for BullMQ after one checked round trip (PING), so that a wrong
 * address or password is one clear error instead of endless reconnecting. Afterwards the
 * connection reconnects by itself (a Redis restart) and commands wait for it.
 *
 * @throws CliError when Redis cannot be reached or refuses the credentials.
 */
export async function connectRedis(
  address: QueueAddress,
  report: (message: string) => void,
): Promise<Redis> {
  const probe = new Redis(address.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: 5000,
  });
  // The first error event says why (a refused password closes the connection, and the
  // rejected connect then only says "Connection is closed").
  let cause: unknown;
  probe.on('error', (error: unknown) => {
    cause ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new CliError(explain(cause ?? error, address));
  } finally {
    probe.disconnect();
  }
  const connection = new Redis(address.url, {
    // BullMQ's workers block on Redis: they need commands to wait through a reconnect.
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  });
  // One line when the connection drops (a Redis restart) and one when it is back.
  // ('reconnecting' follows an error and a server that closed the connection alike; our own
  // quit does not reconnect.)
  let lost = false;
  let lastError = 'the connection closed';
  connection.on('error', (error: unknown) => {
    lastError = errorMessage(error);
  });
  connection.on('reconnecting', () => {
    if (lost) return;
    lost = true;
    report(`lost the connection to Redis at ${address.display} (${lastError}); reconnecting`);
  });
  connection.on('ready', () => {
    if (!lost) return;
    lost = false;
    lastError = 'the connection closed';
    report(`reconnected to Redis at ${address.display}`);
  });
  return connection;
}
