using SignalRChannels.Pusher.Internal;

namespace SignalRChannels.Pusher.Tests;

public sealed class PusherChannelNamesTests
{
    private static readonly PusherApp Second = new() { Id = "shop-2", Key = "k", Secret = "s" };

    [Theory]
    [InlineData("news")]
    [InlineData("private-orders.42")]
    [InlineData("presence-chat.1")]
    public void DefaultApp_UsesTheCoreNamesAsTheyAre(string pusherName)
    {
        Assert.True(PusherChannelNames.TryToCore(Second, isDefault: true, pusherName, 200, out var name, out _));
        Assert.Equal(pusherName, name.Value);
        Assert.Equal(pusherName, PusherChannelNames.ToPusher(Second, isDefault: true, name.Value));
    }

    [Theory]
    [InlineData("news", "shop-2@news", ChannelKind.Public)]
    [InlineData("private-orders.42", "private-shop-2@orders.42", ChannelKind.Private)]
    [InlineData("presence-chat.1", "presence-shop-2@chat.1", ChannelKind.Presence)]
    [InlineData("private-encrypted-x", "private-shop-2@encrypted-x", ChannelKind.Private)]
    public void OtherApps_GetTheirOwnNamespace_KeepingTheKind(string pusherName, string coreName, ChannelKind kind)
    {
        Assert.True(PusherChannelNames.TryToCore(Second, isDefault: false, pusherName, 200, out var name, out _));
        Assert.Equal(coreName, name.Value);
        Assert.Equal(kind, name.Kind);
        Assert.Equal(pusherName, PusherChannelNames.ToPusher(Second, isDefault: false, name.Value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bad channel")]
    [InlineData("private-")]
    public void InvalidNames_AreRefusedWithAReason(string? pusherName)
    {
        Assert.False(PusherChannelNames.TryToCore(Second, isDefault: true, pusherName, 200, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
