namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>The SignalR hub protocol a test client speaks.</summary>
public enum WireProtocol
{
    Json,
    MessagePack,
}
