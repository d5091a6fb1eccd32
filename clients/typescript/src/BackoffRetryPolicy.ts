import type { IRetryPolicy, RetryContext } from "@microsoft/signalr";

/** Options of the default reconnect policy. */
export interface BackoffOptions {
  /** Base delays for the first retries; the last one repeats. The default is 0, 1, 2, 5, 10 seconds. */
  readonly delaysMs?: readonly number[];
  /** Ceiling of any delay after jitter. The default is 10 seconds. */
  readonly maxDelayMs?: number;
  /** Relative jitter: each delay is scaled by a random factor in [1 - jitter, 1 + jitter]. The default is 0.2. */
  readonly jitter?: number;
  /** Give up after this many consecutive failed tries. The default is to never give up. */
  readonly maxRetries?: number;
}

const defaultDelaysMs: readonly number[] = [0, 1_000, 2_000, 5_000, 10_000];

/**
 * Jittered backoff that never gives up unless told to. Jitter spreads the reconnects of many
 * clients after a server restart so they do not arrive at the same instant.
 */
export class BackoffRetryPolicy implements IRetryPolicy {
  private readonly delaysMs: readonly number[];
  private readonly maxDelayMs: number;
  private readonly jitter: number;
  private readonly maxRetries: number;

  /** @param random A source of numbers in [0, 1); replaceable for tests. */
  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.delaysMs = options.delaysMs !== undefined && options.delaysMs.length > 0 ? options.delaysMs : defaultDelaysMs;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
    this.maxRetries = options.maxRetries ?? Number.POSITIVE_INFINITY;
    if (this.delaysMs.some((d) => !(d >= 0)) || !(this.maxDelayMs >= 0)) {
      throw new RangeError("Reconnect delays must be non-negative numbers.");
    }
  }

  nextRetryDelayInMilliseconds(context: Pick<RetryContext, "previousRetryCount">): number | null {
    const attempt = context.previousRetryCount;
    if (attempt >= this.maxRetries) {
      return null;
    }
    const base = this.delaysMs[Math.min(attempt, this.delaysMs.length - 1)]!;
    const factor = 1 - this.jitter + 2 * this.jitter * this.random();
    return Math.round(Math.min(base * factor, this.maxDelayMs));
  }
}
