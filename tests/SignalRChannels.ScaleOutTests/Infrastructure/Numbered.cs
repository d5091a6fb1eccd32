namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>The payload the test server's <c>/publish-many</c> endpoint publishes: <c>{ "i": n }</c>.</summary>
public sealed record Numbered(int I);
