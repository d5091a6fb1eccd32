using SignalRChannels.Internal;

namespace SignalRChannels.Tests.Internal;

public class ChannelGroupsTests
{
    [Fact]
    public void A_channels_group_name_is_built_once_and_then_reused()
    {
        // Two string instances of one name, as a publisher formatting "orders.{id}" passes them.
        var first = ChannelGroups.For(ChannelName.Parse(string.Concat("private-orders.", "4711")));
        var second = ChannelGroups.For(ChannelName.Parse(string.Concat("private-orders.", "4711")));

        Assert.Equal("ch:private-orders.4711", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Channels_that_come_and_go_do_not_grow_the_cache_past_its_bound()
    {
        for (var i = 0; i < 3 * ChannelGroups.CachedNames; i++)
        {
            Assert.Equal($"ch:churn.{i}", ChannelGroups.For(ChannelName.Parse($"churn.{i}")));
        }

        // Other tests may add a few names at the same time; without the bound this would be 30,000 or more.
        Assert.InRange(ChannelGroups.CachedCount, 1, ChannelGroups.CachedNames + 100);
    }
}
