using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.Client.Tests;

/// <summary>The in-memory stand-in apps use to unit-test code built on <see cref="ChannelsClient"/>.</summary>
public sealed class NullChannelsConnectionTests
{
    [Fact]
    public async Task EmitAsync_RunsTypedHandlersBeforeItCompletes()
    {
        var server = new NullChannelsConnection();
        await using var client = new ChannelsClient(server);
        var received = new List<Message>();
        client.Channel("orders").On<Message>("created", received.Add);
        await client.StartAsync().DefaultTimeout();

        await server.EmitAsync("orders", "created", new Message(42, "new")).DefaultTimeout();

        Assert.Equal([new Message(42, "new")], received);
        Assert.Equal(SubscriptionState.Subscribed, client.Channel("orders").State);
        Assert.Equal("null-connection", client.SocketId);
    }

    [Fact]
    public async Task PresenceChannel_ListsAddedMembers_AndFollowsEmittedJoins()
    {
        var server = new NullChannelsConnection();
        server.AddMember("presence-chat.1", "ada", new { name = "Ada" });
        await using var client = new ChannelsClient(server);
        await client.StartAsync().DefaultTimeout();
        var room = client.Presence("chat.1");
        await room.WhenSubscribedAsync().DefaultTimeout();

        await server.EmitAsync(room.Name, "member:joined", new { id = "bob", info = new { name = "Bob" } }).DefaultTimeout();

        Assert.Equal(["ada", "bob"], room.Members.Select(m => m.Id).Order());
    }

    [Fact]
    public async Task Invocations_RecordWhispersAndAppMethods_AndHandleScriptsAnswersAndRefusals()
    {
        var server = new NullChannelsConnection();
        server.Handle("WhoAmI", _ => "ada");
        server.Handle("Subscribe", args => (string)args[0]! == "private-secret.x"
            ? throw new HubException("forbidden: not yours")
            : new { channel = args[0], recovered = false });
        await using var client = new ChannelsClient(server);
        await client.StartAsync().DefaultTimeout();
        var orders = client.Private("orders.1");
        await orders.WhenSubscribedAsync().DefaultTimeout();

        await orders.WhisperAsync("typing", new Message(1, "t")).DefaultTimeout();
        var whoAmI = await client.InvokeAsync<string>("WhoAmI", []).DefaultTimeout();
        var refused = await Assert.ThrowsAsync<ChannelException>(() => client.Private("secret.x").WhenSubscribedAsync().DefaultTimeout());

        Assert.Equal("ada", whoAmI);
        Assert.Equal(ChannelErrorCodes.Forbidden, refused.Code);
        var whisper = Assert.Single(server.Invocations, i => i.Method == "Whisper");
        Assert.Equal(["private-orders.1", "typing"], whisper.Arguments.Take(2));
    }

    [Fact]
    public async Task DropAsync_MakesTheClientReconnectAndResubscribe()
    {
        var server = new NullChannelsConnection();
        await using var client = new ChannelsClient(server);
        var channel = client.Channel("news");
        var subscribed = new Recorder<SubscribedEventArgs>();
        channel.Subscribed += (_, e) => subscribed.Add(e);
        await client.StartAsync().DefaultTimeout();

        await server.DropAsync().DefaultTimeout();
        await subscribed.WaitForCountAsync(2);

        Assert.True(subscribed.Items[1].Resubscribed);
        Assert.Equal(ConnectionState.Connected, client.State);
    }
}
