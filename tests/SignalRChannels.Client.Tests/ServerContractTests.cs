namespace SignalRChannels.Client.Tests;

/// <summary>Parts of the server contract the client must honour, against a real Kestrel node.</summary>
public sealed class ServerContractTests
{
    [Fact]
    public async Task Reconnect_ResubscribesEveryChannelInOneSubscribeManyCall()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(user: "alice");
        var run = Guid.NewGuid().ToString("N")[..8];
        ChannelSubscription[] channels = [client.Channel($"news.{run}"), client.Private($"secret.{run}"), client.Presence($"room.{run}")];
        var subscribed = new Recorder<string>();
        foreach (var channel in channels)
        {
            channel.Subscribed += (sender, _) => subscribed.Add(((ChannelSubscription)sender!).Name);
        }

        await client.StartAsync().DefaultTimeout();
        await subscribed.WaitForCountAsync(3);
        var beforeOutage = node.Invocations.Calls.Count;

        node.Connections.Abort(client.SocketId!);
        await subscribed.WaitForCountAsync(6);

        var afterOutage = node.Invocations.Calls.Skip(beforeOutage).Where(c => c.Method.StartsWith("Subscribe", StringComparison.Ordinal)).ToArray();
        var call = Assert.Single(afterOutage);
        Assert.Equal("SubscribeMany", call.Method);
        Assert.Equal(channels.Select(c => c.Name).Order(StringComparer.Ordinal), ((string[])call.FirstArgument!).Order(StringComparer.Ordinal));
        Assert.All(channels, c => Assert.Equal(SubscriptionState.Subscribed, c.State));
    }

    [Fact]
    public async Task ServerRemovesSubscription_RaisesUnsubscribed_AndAskingAgainResubscribes()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(user: "alice");
        await client.StartAsync().DefaultTimeout();
        var channel = client.Private("secret." + Guid.NewGuid().ToString("N"));
        var reasons = new Recorder<string>();
        var subscribed = new Recorder<SubscribedEventArgs>();
        channel.Unsubscribed += (_, reason) => reasons.Add(reason);
        channel.Subscribed += (_, e) => subscribed.Add(e);
        await channel.WhenSubscribedAsync().DefaultTimeout();

        await node.Subscriptions.RemoveUserAsync("alice", channel.Name).DefaultTimeout();
        await reasons.WaitForCountAsync(1);

        Assert.Equal(SubscriptionState.Unsubscribed, channel.State);
        Assert.False(string.IsNullOrEmpty(reasons.Items.Single()));

        Assert.Same(channel, client.Private(channel.Name));
        await subscribed.WaitForCountAsync(2);
        Assert.True(subscribed.Items[1].Resubscribed);
        Assert.Equal(SubscriptionState.Subscribed, channel.State);
    }

    [Fact]
    public async Task PublishToOthers_LeavesOutTheConnectionWhoseSocketIdItCarries()
    {
        await using var node = await TestNode.StartAsync();
        await using var alice = node.CreateClient(user: "alice");
        await using var bob = node.CreateClient(ChannelsProtocol.MessagePack, user: "bob");
        await Task.WhenAll(alice.StartAsync(), bob.StartAsync()).DefaultTimeout();
        var name = "news." + Guid.NewGuid().ToString("N");
        var atAlice = new Recorder<int>();
        var atBob = new Recorder<int>();
        alice.Channel(name).On<int>("n", atAlice.Add);
        bob.Channel(name).On<int>("n", atBob.Add);
        await Task.WhenAll(alice.Channel(name).WhenSubscribedAsync(), bob.Channel(name).WhenSubscribedAsync()).DefaultTimeout();

        await node.Broadcaster.PublishAsync(name, "n", 1, toOthers: alice.SocketId).DefaultTimeout();
        await node.Broadcaster.PublishAsync(name, "n", 2).DefaultTimeout();
        await atBob.WaitForCountAsync(2);
        await atAlice.WaitForCountAsync(1);

        // Both events travel the same ordered connection: had 1 reached alice, it would have come before 2.
        Assert.Equal([1, 2], atBob.Items);
        Assert.Equal([2], atAlice.Items);
    }

    [Fact]
    public async Task Reconnect_GivesUpAfterMaxAttempts_AndEndsDisconnectedWithTheError()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(configure: o => o.Reconnect.MaxAttempts = 3);
        var changes = new Recorder<ConnectionStateChangedEventArgs>();
        client.StateChanged += (_, e) => changes.Add(e);
        await client.StartAsync().DefaultTimeout();

        node.Closed = true;
        node.Connections.Abort(client.SocketId!);
        await changes.WaitUntilAsync(c => c.Any(e => e.Current == ConnectionState.Disconnected));

        var last = changes.Items[^1];
        Assert.Equal((ConnectionState.Reconnecting, ConnectionState.Disconnected), (last.Previous, last.Current));
        Assert.NotNull(last.Error);
        Assert.Equal(3, node.RefusedRequests);
        Assert.Equal(ConnectionState.Disconnected, client.State);
        Assert.Null(client.SocketId);
    }

    [Fact]
    public async Task RefusedChannel_IsRetriedOnReconnect_AndSubscribesOnceTheServerAllowsIt()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(user: "alice");
        var id = Guid.NewGuid().ToString("N");
        var channel = client.Private("gate." + id);
        var failures = new Recorder<ChannelException>();
        var subscribed = new Recorder<SubscribedEventArgs>();
        channel.SubscriptionFailed += (_, e) => failures.Add(e);
        channel.Subscribed += (_, e) => subscribed.Add(e);
        await client.StartAsync().DefaultTimeout();
        await failures.WaitForCountAsync(1);
        Assert.Equal((ChannelErrorCodes.Forbidden, SubscriptionState.Failed), (failures.Items[0].Code, channel.State));

        node.Gates.Open[id] = true;
        node.Connections.Abort(client.SocketId!);
        await subscribed.WaitForCountAsync(1);

        Assert.Equal(SubscriptionState.Subscribed, channel.State);
        Assert.Single(failures.Items);
    }

    [Fact]
    public async Task ConnectionPastTheUsersLimit_IsClosedWithLimitExceeded_WhileTheFirstStays()
    {
        await using var node = await TestNode.StartAsync(configure: o => o.MaxConnectionsPerUser = 1);
        await using var first = node.CreateClient(user: "alice");
        await first.StartAsync().DefaultTimeout();
        await using var second = node.CreateClient(user: "alice");
        var errors = new Recorder<string>();
        second.StateChanged += (_, e) =>
        {
            if (e.Error is { } error)
            {
                errors.Add(error.Message);
            }
        };

        try
        {
            await second.StartAsync().DefaultTimeout();
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            errors.Add(ex.Message);
        }

        await errors.WaitForCountAsync(1);
        Assert.Contains("limit_exceeded: ", errors.Items[0], StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Connected, first.State);
    }
}
