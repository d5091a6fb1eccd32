namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>What <c>POST /queue-many</c> answered: the accepted <c>i</c>s, and the first refused one with its error code.</summary>
public sealed record QueueManyResult(int[] Accepted, int? Refused, string? Code);
