namespace SignalRChannels.Client;

/// <summary>A hub method call the client made on a <see cref="NullChannelsConnection"/>.</summary>
/// <param name="Method">The hub method name (<c>Subscribe</c>, <c>Whisper</c>, an app method, …).</param>
/// <param name="Arguments">The arguments, as the client passed them.</param>
public sealed record ChannelsInvocation(string Method, IReadOnlyList<object?> Arguments);
