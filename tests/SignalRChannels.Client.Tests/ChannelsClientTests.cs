namespace SignalRChannels.Client.Tests;

/// <summary>The client against a real Kestrel node hosting a ChannelHub.</summary>
public sealed class ChannelsClientTests
{
    [Theory]
    [InlineData(ChannelsProtocol.Json)]
    [InlineData(ChannelsProtocol.MessagePack)]
    public async Task Subscribe_ThenPublishThroughAppHubMethod_DeliversTypedPayload(ChannelsProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(protocol);
        var channel = client.Channel("news." + Guid.NewGuid().ToString("N"));
        var received = new Recorder<(Message Data, ChannelEvent<Message> Event)>();
        channel.On<Message>("created", (data, e) =>
        {
            received.Add((data, e));
            return Task.CompletedTask;
        });

        await client.StartAsync().DefaultTimeout();
        await channel.WhenSubscribedAsync().DefaultTimeout();
        await client.InvokeAsync("Publish", [channel.Name, "created", new { n = 7, text = "héllo" }]).DefaultTimeout();
        await received.WaitForCountAsync(1);

        var (data, envelope) = received.Items.Single();
        Assert.Equal(new Message(7, "héllo"), data);
        Assert.Equal((channel.Name, "created", (long?)null), (envelope.Channel, envelope.EventName, envelope.Offset));
        Assert.True(envelope.Timestamp > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.False(string.IsNullOrEmpty(client.SocketId));
    }

    [Theory]
    [InlineData(ChannelsProtocol.Json)]
    [InlineData(ChannelsProtocol.MessagePack)]
    public async Task Events_AsyncStream_YieldsEventsInOrderAndEndsWhenLeft(ChannelsProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(protocol);
        await client.StartAsync().DefaultTimeout();
        var channel = client.Channel("hist.stream-" + Guid.NewGuid().ToString("N"));
        await using var events = channel.Events<Message>("tick").GetAsyncEnumerator();
        var first = events.MoveNextAsync();
        await channel.WhenSubscribedAsync().DefaultTimeout();

        for (var i = 1; i <= 5; i++)
        {
            await node.Broadcaster.PublishAsync(channel.Name, "tick", new Message(i, "t")).DefaultTimeout();
        }

        Assert.True(await first.AsTask().DefaultTimeout());
        var seen = new List<ChannelEvent<Message>> { events.Current };
        while (seen.Count < 5)
        {
            Assert.True(await events.MoveNextAsync().AsTask().DefaultTimeout());
            seen.Add(events.Current);
        }

        Assert.Equal([1, 2, 3, 4, 5], seen.Select(e => e.Data.N));
        Assert.Equal([1L, 2, 3, 4, 5], seen.Select(e => e.Offset!.Value));
        await client.LeaveAsync(channel.Name).DefaultTimeout();
        Assert.False(await events.MoveNextAsync().AsTask().DefaultTimeout());
        Assert.Equal(SubscriptionState.Left, channel.State);
    }

    [Theory]
    [InlineData(ChannelsProtocol.Json)]
    [InlineData(ChannelsProtocol.MessagePack)]
    public async Task Whisper_BetweenTwoClients_ReachesTheOtherWithServerStampedSender(ChannelsProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var alice = node.CreateClient(protocol, user: "alice");
        await using var bob = node.CreateClient(protocol, user: "bob");
        await Task.WhenAll(alice.StartAsync(), bob.StartAsync()).DefaultTimeout();
        var name = "secret." + Guid.NewGuid().ToString("N");
        var aliceChannel = alice.Private(name);
        var bobChannel = bob.Private("private-" + name);
        var atBob = new Recorder<(Message Data, string? From)>();
        var atAlice = new Recorder<(Message Data, string? From)>();
        bobChannel.OnWhisper<Message>("typing", (m, from) => atBob.Add((m, from)));
        aliceChannel.OnWhisper<Message>("typing", (m, e) =>
        {
            atAlice.Add((m, e.From));
            return Task.CompletedTask;
        });
        await Task.WhenAll(aliceChannel.WhenSubscribedAsync(), bobChannel.WhenSubscribedAsync()).DefaultTimeout();

        await aliceChannel.WhisperAsync("typing", new Message(1, "from alice")).DefaultTimeout();
        await atBob.WaitForCountAsync(1);
        await bobChannel.WhisperAsync("typing", new Message(2, "from bob")).DefaultTimeout();
        await atAlice.WaitForCountAsync(1);

        Assert.Equal((new Message(1, "from alice"), "alice"), atBob.Items.Single());

        // An echo of alice's own whisper would have reached her before bob's reply.
        Assert.Equal((new Message(2, "from bob"), "bob"), atAlice.Items[0]);
        Assert.Same(aliceChannel, alice.Private(name));
    }

    [Fact]
    public async Task Presence_JoinAndLeave_AcrossTwoUsers_UpdatesMembersAndRaisesEvents()
    {
        await using var node = await TestNode.StartAsync();
        await using var alice = node.CreateClient(user: "alice");
        await using var bob = node.CreateClient(ChannelsProtocol.MessagePack, user: "bob");
        await Task.WhenAll(alice.StartAsync(), bob.StartAsync()).DefaultTimeout();
        var room = "room." + Guid.NewGuid().ToString("N");
        var aliceRoom = alice.Presence(room);
        var joined = new Recorder<PresenceMember>();
        var left = new Recorder<(PresenceMember Member, string Reason)>();
        aliceRoom.MemberJoined += (_, e) => joined.Add(e.Member);
        aliceRoom.MemberLeft += (_, e) => left.Add((e.Member, e.Reason));
        await aliceRoom.WhenSubscribedAsync().DefaultTimeout();
        Assert.Equal(["alice"], aliceRoom.Members.Select(m => m.Id));

        var bobRoom = bob.Presence(room);
        await bobRoom.WhenSubscribedAsync().DefaultTimeout();
        await joined.WaitForCountAsync(1);

        Assert.Equal("bob", joined.Items.Single().Id);
        Assert.Equal("bob", joined.Items.Single().GetInfo<MemberInfo>()!.Name);
        Assert.Equal(["alice", "bob"], aliceRoom.Members.Select(m => m.Id).Order());
        Assert.Equal(["alice", "bob"], bobRoom.Members.Select(m => m.Id).Order());
        Assert.Equal(["alice", "bob"], (await bobRoom.GetMembersAsync().DefaultTimeout()).Select(m => m.Id).Order());

        await bob.LeaveAsync(room).DefaultTimeout();
        await left.WaitForCountAsync(1);

        Assert.Equal(("bob", "left"), (left.Items.Single().Member.Id, left.Items.Single().Reason));
        Assert.Equal(["alice"], aliceRoom.Members.Select(m => m.Id));
    }

    [Fact]
    public async Task History_ReadsPublishedEvents_ForwardAndReversed()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(ChannelsProtocol.MessagePack);
        await client.StartAsync().DefaultTimeout();
        var channel = client.Channel("hist.read-" + Guid.NewGuid().ToString("N"));
        await channel.WhenSubscribedAsync().DefaultTimeout();
        for (var i = 1; i <= 5; i++)
        {
            await node.Broadcaster.PublishAsync(channel.Name, "tick", new Message(i, "h")).DefaultTimeout();
        }

        var all = await channel.HistoryAsync<Message>().DefaultTimeout();
        var lastTwo = await channel.HistoryAsync<Message>(limit: 2, reverse: true).DefaultTimeout();
        var after3 = await channel.HistoryAsync<Message>(since: all.Events[2].Position).DefaultTimeout();

        Assert.Equal([1, 2, 3, 4, 5], all.Events.Select(e => e.Data.N));
        Assert.Equal([1L, 2, 3, 4, 5], all.Events.Select(e => e.Offset!.Value));
        Assert.Equal(5, all.Position!.Offset);
        Assert.Equal([5, 4], lastTwo.Events.Select(e => e.Data.N));
        Assert.Equal([4, 5], after3.Events.Select(e => e.Data.N));
    }

    [Fact]
    public async Task Subscribe_DeniedPrivateChannel_ThrowsChannelExceptionForbidden()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(user: "alice");
        await client.StartAsync().DefaultTimeout();
        var failures = new Recorder<ChannelException>();
        var channel = client.Private("secret.denied");
        channel.SubscriptionFailed += (_, error) => failures.Add(error);

        var error = await Assert.ThrowsAsync<ChannelException>(() => channel.WhenSubscribedAsync().DefaultTimeout());
        await failures.WaitForCountAsync(1);

        Assert.Equal(ChannelErrorCodes.Forbidden, error.Code);
        Assert.Equal("private-secret.denied", error.Channel);
        Assert.Equal(SubscriptionState.Failed, channel.State);
        Assert.Same(error, failures.Items.Single());
    }

    [Fact]
    public async Task Whisper_OnPublicChannel_ThrowsCodedErrorAndAppMethodErrorsAreTyped()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(user: "alice");
        await client.StartAsync().DefaultTimeout();
        var anonymous = node.CreateClient();
        await using (anonymous)
        {
            await anonymous.StartAsync().DefaultTimeout();
            var error = await Assert.ThrowsAsync<ChannelException>(() => anonymous.Private("secret.x").WhenSubscribedAsync().DefaultTimeout());
            Assert.Equal(ChannelErrorCodes.Forbidden, error.Code);
        }

        var invalid = await Assert.ThrowsAsync<ChannelException>(() => client.InvokeAsync("Publish", ["bad name!", "e", null]).DefaultTimeout());
        Assert.Equal(ChannelErrorCodes.InvalidChannel, invalid.Code);
        Assert.Equal("alice", await client.InvokeAsync<string>("WhoAmI", []).DefaultTimeout());
    }

    [Fact]
    public async Task InvokeAsync_BeforeStart_ThrowsUnavailable()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient();

        var error = await Assert.ThrowsAsync<ChannelException>(() => client.InvokeAsync("WhoAmI", []));

        Assert.Equal(ChannelErrorCodes.Unavailable, error.Code);
        Assert.Throws<ArgumentException>(() => client.Channel("private-x"));
        Assert.Throws<ArgumentException>(() => client.Presence("private-x"));
    }

    [Fact]
    public async Task OneClient_UsedFrom32TasksAtOnce_SubscribesWhispersAndLeavesWithoutErrors()
    {
        await using var node = await TestNode.StartAsync(configure: o => o.WhisperPermitLimit = 10_000);
        await using var client = node.CreateClient(user: "alice");
        await using var peer = node.CreateClient(ChannelsProtocol.MessagePack, user: "bob");
        await Task.WhenAll(client.StartAsync(), peer.StartAsync()).DefaultTimeout();
        var run = Guid.NewGuid().ToString("N")[..8];
        var shared = client.Channel("shared." + run);
        var done = new Recorder<int>();
        var whispers = new Recorder<int>();
        var peerChannels = Enumerable.Range(0, 32).Select(i => peer.Private($"secret.{run}-{i}")).ToArray();
        foreach (var channel in peerChannels)
        {
            channel.OnWhisper<Message>("ping", (m, _) => whispers.Add(m.N));
        }

        await Task.WhenAll(peerChannels.Select(c => c.WhenSubscribedAsync())).DefaultTimeout();

        await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            shared.On<int>("done", _ => done.Add(i));
            for (var round = 0; round < 3; round++)
            {
                var channel = client.Private($"secret.{run}-{i}");
                await channel.WhenSubscribedAsync();
                await channel.WhisperAsync("ping", new Message(i * 10 + round, "p"));
                await client.LeaveAsync(channel.Name);
            }

            var presence = client.Presence($"room.{run}");
            await presence.WhenSubscribedAsync();
        }))).DefaultTimeout();

        await shared.WhenSubscribedAsync().DefaultTimeout();
        await node.Broadcaster.PublishAsync(shared.Name, "done", 1).DefaultTimeout();
        await done.WaitForCountAsync(32);
        await whispers.WaitForCountAsync(96);

        Assert.Equal(Enumerable.Range(0, 32), done.Items.Order());
        Assert.Equal(Enumerable.Range(0, 32).SelectMany(i => new[] { i * 10, i * 10 + 1, i * 10 + 2 }).Order(), whispers.Items.Order());
        Assert.Equal([$"presence-room.{run}", shared.Name], client.Subscriptions.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal(ConnectionState.Connected, client.State);
    }

    private sealed record MemberInfo(string Name);
}
