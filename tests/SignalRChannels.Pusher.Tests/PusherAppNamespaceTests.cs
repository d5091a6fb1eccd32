using Microsoft.Extensions.Options;
using SignalRChannels.Pusher.Internal;

namespace SignalRChannels.Pusher.Tests;

/// <summary>What each app's HTTP API lists of the core's channels: its own namespace, never another app's.</summary>
public sealed class PusherAppNamespaceTests
{
    private static readonly PusherApp First = new() { Id = "1", Key = "k1", Secret = "s1" };
    private static readonly PusherApp Second = new() { Id = "shop-2", Key = "k2", Secret = "s2" };
    private static readonly PusherApps Apps = new(Options.Create(new PusherOptions { Apps = { First, Second } }));

    [Theory]
    [InlineData("news", "news", null)]
    [InlineData("presence-chat.1", "presence-chat.1", null)]
    [InlineData("shop-2@news", null, "news")]
    [InlineData("private-shop-2@orders.42", null, "private-orders.42")]
    [InlineData("presence-shop-2@chat.1", null, "presence-chat.1")]
    [InlineData("other@news", "other@news", null)]
    public void ToExternal_ListsEachChannelToItsOwnAppOnly(string coreName, string? asFirst, string? asSecond)
    {
        Assert.Equal(asFirst, new PusherAppNamespace(Apps, First, 200).ToExternal(coreName));
        Assert.Equal(asSecond, new PusherAppNamespace(Apps, Second, 200).ToExternal(coreName));
    }

    [Theory]
    [InlineData("123.456", true)]
    [InlineData("abc", false)]
    [InlineData("", false)]
    public void SocketIds_HavePushersShape(string socketId, bool wellFormed) =>
        Assert.Equal(wellFormed, new PusherAppNamespace(Apps, First, 200).IsWellFormedSocketId(socketId));
}
