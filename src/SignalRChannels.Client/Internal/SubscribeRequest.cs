namespace SignalRChannels.Client.Internal;

/// <summary>One (re)subscription attempt: a result for an older attempt is ignored.</summary>
internal sealed record SubscribeRequest(int Attempt, StreamPosition? Since);
