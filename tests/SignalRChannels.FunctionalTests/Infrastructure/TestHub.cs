namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>The app hub of the test server: the channel protocol plus one app method that publishes.</summary>
public sealed class TestHub : ChannelHub
{
    public Task Publish(string channel, string eventName, object? data, bool toOthers) =>
        Channels.Channel(channel)
            .ToOthers(toOthers ? Context.ConnectionId : null)
            .PublishAsync(eventName, data, Context.ConnectionAborted);
}
