using SignalRChannels.Pusher.Internal;

namespace SignalRChannels.Pusher.Tests;

public sealed class PusherSocketIdsTests
{
    [Fact]
    public void Create_GivesDistinctIdsOfPushersShape()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => PusherSocketIds.Create()).ToArray();

        Assert.All(ids, id => Assert.Matches(@"^\d+\.\d+$", id));
        Assert.All(ids, id => Assert.True(PusherSocketIds.IsWellFormed(id)));
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("123.456", true)]
    [InlineData("1.2", true)]
    [InlineData("123", false)]
    [InlineData("123.", false)]
    [InlineData(".456", false)]
    [InlineData("12a.456", false)]
    [InlineData("1.2.3", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsWellFormed_AcceptsDigitsDotDigitsOnly(string? value, bool expected) =>
        Assert.Equal(expected, PusherSocketIds.IsWellFormed(value));
}
