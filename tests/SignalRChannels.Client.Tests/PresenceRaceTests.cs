namespace SignalRChannels.Client.Tests;

/// <summary>
/// Presence events that arrive while a (re)subscription is in flight: the server joins the connection to the channel
/// before it reads the member list, so the list may already reflect them.
/// </summary>
public sealed class PresenceRaceTests
{
    [Fact]
    public async Task HeldMemberLeft_OfAMemberTheResultLists_IsDroppedAsStale_WhileOtherHeldEventsApply()
    {
        var server = new NullChannelsConnection();
        await using var client = new ChannelsClient(server);
        var left = new Recorder<string>();
        var joined = new Recorder<string>();
        server.Handle("Subscribe", args =>
        {
            var channel = (string)args[0]!;
            // Arrive before the result: bob's old tab leaves (he is back: the list names him), dave joins after the
            // list was read (it does not name him).
            _ = server.EmitAsync(channel, "member:left", new { id = "bob", reason = "disconnected" });
            _ = server.EmitAsync(channel, "member:joined", new { id = "dave", info = new { name = "Dave" } });
            return new { channel, members = new[] { new { id = "ada" }, new { id = "bob" } } };
        });

        // The handlers are attached before the client starts (and so subscribes): the held events are dispatched as
        // soon as the result is in, which may be before a line after Presence() on a connected client runs.
        var room = client.Presence("chat.1");
        room.MemberLeft += (_, e) => left.Add(e.Member.Id);
        room.MemberJoined += (_, e) => joined.Add(e.Member.Id);
        await client.StartAsync().DefaultTimeout();
        await room.WhenSubscribedAsync().DefaultTimeout();
        await client.FlushAsync(room.Name).DefaultTimeout();

        Assert.Equal(["ada", "bob", "dave"], room.Members.Select(m => m.Id).Order());
        Assert.Empty(left.Items);
        Assert.Equal(["dave"], joined.Items);

        // Once subscribed, a leave of someone listed applies as usual.
        await server.EmitAsync(room.Name, "member:left", new { id = "bob", reason = "left" }).DefaultTimeout();
        Assert.Equal(["ada", "dave"], room.Members.Select(m => m.Id).Order());
        Assert.Equal(["bob"], left.Items);
    }

    [Fact]
    public async Task CutMemberList_IsReadToTheEnd_AndLeavesReceivedMeanwhileApplyAfterThePages()
    {
        var server = new NullChannelsConnection();
        await using var client = new ChannelsClient(server);
        await client.StartAsync().DefaultTimeout();
        var afters = new List<string?>();
        server.Handle("Subscribe", args => new { channel = (string)args[0]!, members = new[] { new { id = "ada" } }, membersNext = "ada" });
        server.Handle("GetMembersPage", args =>
        {
            var channel = (string)args[0]!;
            var after = ((MembersPageOptions)args[1]!).After;
            afters.Add(after);
            if (after == "ada")
            {
                // Bob leaves after the server read this page.
                _ = server.EmitAsync(channel, "member:left", new { id = "bob", reason = "left" });
                return new { members = new[] { new { id = "bob" } }, next = "bob" };
            }

            return new { members = new[] { new { id = "cy" } }, next = (string?)null };
        });

        var room = client.Presence("chat.1");
        await room.WhenSubscribedAsync().DefaultTimeout();
        await client.FlushAsync(room.Name).DefaultTimeout();

        Assert.Equal(["ada", "bob"], afters);
        Assert.Equal(["ada", "cy"], room.Members.Select(m => m.Id).Order());
    }
}
