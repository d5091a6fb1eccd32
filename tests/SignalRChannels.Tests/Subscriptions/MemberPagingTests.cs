using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Tests.Subscriptions;

/// <summary>
/// No response lists more than <see cref="PresenceOptions.MaxMembersPerResponse"/> members: a subscribe result and
/// <c>GetMembers</c> carry the first page, <c>GetMembersPage</c> walks the rest by id.
/// </summary>
public class MemberPagingTests
{
    private const int Members = 250;

    [Fact]
    public async Task SubscribeResult_ListsTheFirst100ById_AndThePagesAfterItListEveryMemberOnce()
    {
        await using var host = await RoomWithMembersAsync();
        var last = host.Connect("c-last", "zz-last");

        var result = await host.Subscriptions.SubscribeAsync(last, "presence-room.1", null, null);
        var pages = new List<MembersPage>();
        for (var after = result.MembersNext; after is not null; after = pages[^1].Next)
        {
            pages.Add(await host.Get<ChannelQueries>().GetMembersPageAsync(last, "presence-room.1", new MembersPageOptions { After = after }));
        }

        var expected = Enumerable.Range(0, Members).Select(Id).Append("zz-last").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected.Take(100), result.Members!.Select(m => m.Id));
        Assert.Equal(expected[99], result.MembersNext);
        Assert.Equal([100, 51], pages.Select(p => p.Members.Count));
        Assert.Equal(expected, result.Members!.Concat(pages.SelectMany(p => p.Members)).Select(m => m.Id));
    }

    [Fact]
    public async Task GetMembers_ListsOnlyTheFirstPage()
    {
        await using var host = await RoomWithMembersAsync();
        var caller = host.Connect("c-0-again", Id(0));
        await host.Subscriptions.SubscribeAsync(caller, "presence-room.1", null, null);

        var members = await host.Get<ChannelQueries>().GetMembersAsync(caller, "presence-room.1");

        Assert.Equal(100, members.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task GetMembersPage_LimitOutsideOneToTheMaximum_IsInvalidArgument(int limit)
    {
        await using var host = await RoomWithMembersAsync();
        var caller = host.Connect("c-0-again", Id(0));
        await host.Subscriptions.SubscribeAsync(caller, "presence-room.1", null, null);

        var ex = await Assert.ThrowsAsync<ChannelException>(() =>
            host.Get<ChannelQueries>().GetMembersPageAsync(caller, "presence-room.1", new MembersPageOptions { Limit = limit }));

        Assert.Equal(ChannelErrorCodes.InvalidArgument, ex.Code);
    }

    [Fact]
    public void MaxMembersPerResponse_OutsideItsRange_FailsAtStart()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR().AddChannels(_ => { });
        services.Configure<PresenceOptions>(o => o.MaxMembersPerResponse = 0);
        using var provider = services.BuildServiceProvider();

        Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PresenceOptions>>().Value);
    }

    private static string Id(int i) => $"user-{i:D3}";

    private static async Task<EngineHost> RoomWithMembersAsync()
    {
        var host = new EngineHost(channels => channels.Presence("room.{id}", (ClaimsPrincipal user) =>
            new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!, new { bio = new string('x', 100) })));
        for (var i = 0; i < Members; i++)
        {
            await host.Subscriptions.SubscribeAsync(host.Connect($"c-{i}", Id(i)), "presence-room.1", null, null);
        }

        return host;
    }
}
