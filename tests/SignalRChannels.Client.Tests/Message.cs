namespace SignalRChannels.Client.Tests;

public sealed record Message(int N, string Text);
