import { describe, expect, it } from "vitest";
import { BackoffRetryPolicy } from "../src/BackoffRetryPolicy.js";

const middle = () => 0.5;

describe("BackoffRetryPolicy", () => {
  it("walks the default delays and then repeats the last one forever", () => {
    const policy = new BackoffRetryPolicy({}, middle);
    const delays = [0, 1, 2, 3, 4, 5, 100, 10_000].map((n) => policy.nextRetryDelayInMilliseconds({ previousRetryCount: n }));

    expect(delays).toEqual([0, 1_000, 2_000, 5_000, 10_000, 10_000, 10_000, 10_000]);
  });

  it("jitters each delay within the configured fraction", () => {
    const low = new BackoffRetryPolicy({ delaysMs: [1_000], jitter: 0.2 }, () => 0);
    const high = new BackoffRetryPolicy({ delaysMs: [1_000], jitter: 0.2 }, () => 0.999_999);

    expect(low.nextRetryDelayInMilliseconds({ previousRetryCount: 0 })).toBe(800);
    expect(high.nextRetryDelayInMilliseconds({ previousRetryCount: 0 })).toBe(1_200);
  });

  it("caps jittered delays at maxDelayMs", () => {
    const policy = new BackoffRetryPolicy({ delaysMs: [10_000], maxDelayMs: 10_000, jitter: 0.5 }, () => 0.999_999);

    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 3 })).toBe(10_000);
  });

  it("gives up after maxRetries when configured", () => {
    const policy = new BackoffRetryPolicy({ delaysMs: [5], maxRetries: 2 }, middle);

    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 1 })).toBe(5);
    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 2 })).toBeNull();
  });

  it("rejects negative delays", () => {
    expect(() => new BackoffRetryPolicy({ delaysMs: [100, -1] })).toThrow(RangeError);
  });
});
