namespace SignalRChannels.Tests.Channels;

public class EventNamesTests
{
    private const int MaxLength = 100;

    [Theory]
    [InlineData("OrderShipped")]
    [InlineData("a")]
    [InlineData("order.shipped")]
    [InlineData("orders:shipped")]
    [InlineData("App\\Events\\OrderShipped")]
    [InlineData("a/b")]
    [InlineData("x_y-z=@,.;09")]
    [InlineData("member")]
    [InlineData("members:joined")]
    [InlineData("channel")]
    [InlineData("channels:x")]
    [InlineData("client")]
    [InlineData("clientside")]
    [InlineData("my-client-event")]
    [InlineData("x.member:joined")]
    public void IsValidAppEvent_WellFormedUnreservedName_IsValid(string name)
    {
        Assert.True(EventNames.IsValidAppEvent(name, MaxLength, out var error), error);
        Assert.Null(error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void IsValidAppEvent_NullOrEmpty_IsInvalid(string? name)
    {
        Assert.False(EventNames.IsValidAppEvent(name, MaxLength, out var error));
        Assert.Equal("the event name is empty", error);
    }

    [Fact]
    public void IsValidAppEvent_NameOfMaxLength_IsValid_AndOneMoreIsInvalid()
    {
        Assert.True(EventNames.IsValidAppEvent(new string('e', MaxLength), MaxLength, out _));

        Assert.False(EventNames.IsValidAppEvent(new string('e', MaxLength + 1), MaxLength, out var error));
        Assert.Equal($"the event name is longer than {MaxLength} characters", error);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a#b")]
    [InlineData("a*b")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    [InlineData("évènement")]
    [InlineData("a\U0001F600")]
    [InlineData("a+b")]
    [InlineData("<script>")]
    public void IsValidAppEvent_InvalidCharacter_IsInvalid(string name)
    {
        Assert.False(EventNames.IsValidAppEvent(name, MaxLength, out var error));
        Assert.Contains("may only contain", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EventNames.MemberJoined)]
    [InlineData(EventNames.MemberLeft)]
    [InlineData("member:")]
    [InlineData("member:custom")]
    [InlineData(EventNames.Unsubscribed)]
    [InlineData("channel:")]
    [InlineData("channel:anything")]
    [InlineData("client-")]
    [InlineData("client-typing")]
    public void IsValidAppEvent_ReservedPrefix_IsInvalid(string name)
    {
        Assert.False(EventNames.IsValidAppEvent(name, MaxLength, out var error));
        Assert.Contains("reserved", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ReservedNames_MatchWireProtocol()
    {
        Assert.Equal("member:joined", EventNames.MemberJoined);
        Assert.Equal("member:left", EventNames.MemberLeft);
        Assert.Equal("channel:unsubscribed", EventNames.Unsubscribed);
        Assert.Equal("client-", EventNames.ClientPrefix);
    }
}
