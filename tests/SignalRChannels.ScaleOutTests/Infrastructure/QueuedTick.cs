namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>The payload the test server's <c>/queue-many</c> endpoint queues: <c>{ "node": "a", "i": n }</c>.</summary>
public sealed record QueuedTick(string Node, int I);
