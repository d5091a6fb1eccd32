namespace SignalRChannels.Tests.Channels;

public class ChannelNameTests
{
    [Theory]
    [InlineData("orders")]
    [InlineData("a")]
    [InlineData("Orders.42")]
    [InlineData("AZaz09_-=@,.;")]
    [InlineData("private")]
    [InlineData("presence")]
    [InlineData("privateorders")]
    [InlineData("private_orders")]
    [InlineData("orders.private-42")]
    [InlineData("-private-x")]
    public void Parse_NameWithoutKindPrefix_IsPublic(string value)
    {
        var name = ChannelName.Parse(value);

        Assert.Equal(ChannelKind.Public, name.Kind);
        Assert.Equal(value, name.Value);
        Assert.Equal(value, name.Name);
        Assert.False(name.IsAuthorized);
    }

    [Theory]
    [InlineData("private-orders.42", ChannelKind.Private, "orders.42")]
    [InlineData("private-x", ChannelKind.Private, "x")]
    [InlineData("private--", ChannelKind.Private, "-")]
    [InlineData("private-presence-x", ChannelKind.Private, "presence-x")]
    [InlineData("presence-chat.1", ChannelKind.Presence, "chat.1")]
    [InlineData("presence-x", ChannelKind.Presence, "x")]
    [InlineData("presence-private-x", ChannelKind.Presence, "private-x")]
    public void Parse_KindPrefix_SetsKindAndStripsPrefixFromName(string value, ChannelKind kind, string rest)
    {
        var name = ChannelName.Parse(value);

        Assert.Equal(kind, name.Kind);
        Assert.Equal(value, name.Value);
        Assert.Equal(rest, name.Name);
        Assert.True(name.IsAuthorized);
    }

    public static TheoryData<string> InvalidCharacterNames => new()
    {
        "a b",
        " a",
        "a/b",
        "a#b",
        "a*",
        "a:b",
        "a\nb",
        "a\tb",
        "a\0b",
        "a\\b",
        "a+b",
        "a!b",
        "a?b",
        "a%b",
        "a&b",
        "a|b",
        "a\"b",
        "a'b",
        "a<b",
        "a{b}",
        "a(b)",
        "a~b",
        "a$b",
        "café",
        "频道",
        "a\U0001F600",
        "private-a b",
        "presence-a/b",
    };

    [Theory]
    [MemberData(nameof(InvalidCharacterNames))]
    public void TryParse_InvalidCharacter_IsRejected(string value)
    {
        var valid = ChannelName.TryParse(value, ChannelName.DefaultMaxLength, out var name, out var error);

        Assert.False(valid);
        Assert.Equal(default, name);
        Assert.Contains("may only contain", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryParse_NullOrEmpty_IsRejected(string? value)
    {
        var valid = ChannelName.TryParse(value, ChannelName.DefaultMaxLength, out _, out var error);

        Assert.False(valid);
        Assert.Equal("the name is empty", error);
    }

    [Theory]
    [InlineData("Private-x")]
    [InlineData("PRIVATE-x")]
    [InlineData("pRiVaTe-x")]
    [InlineData("Presence-x")]
    [InlineData("PRESENCE-x")]
    [InlineData("presencE-x")]
    [InlineData("PRIVATE-")]
    [InlineData("Presence-")]
    public void TryParse_CaseVariantOfKindPrefix_IsRejectedRatherThanPublic(string value)
    {
        var valid = ChannelName.TryParse(value, ChannelName.DefaultMaxLength, out _, out var error);

        Assert.False(valid);
        Assert.Contains("lower case", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("private-")]
    [InlineData("presence-")]
    public void TryParse_KindPrefixWithNothingAfterIt_IsRejected(string value)
    {
        var valid = ChannelName.TryParse(value, ChannelName.DefaultMaxLength, out _, out var error);

        Assert.False(valid);
        Assert.Contains("nothing after its kind prefix", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 200)]
    [InlineData("private-", 200)]
    [InlineData("presence-", 200)]
    [InlineData("", 16)]
    public void TryParse_NameOfExactlyMaxLength_IsAccepted(string prefix, int maxLength)
    {
        var value = prefix + new string('x', maxLength - prefix.Length);

        Assert.True(ChannelName.TryParse(value, maxLength, out var name, out var error), error);
        Assert.Equal(maxLength, name.Value.Length);
    }

    [Theory]
    [InlineData("", 200)]
    [InlineData("private-", 200)]
    [InlineData("presence-", 200)]
    [InlineData("", 16)]
    public void TryParse_NameLongerThanMaxLength_IsRejected(string prefix, int maxLength)
    {
        var value = prefix + new string('x', maxLength - prefix.Length + 1);

        var valid = ChannelName.TryParse(value, maxLength, out _, out var error);

        Assert.False(valid);
        Assert.Equal($"the name is longer than {maxLength} characters", error);
    }

    [Fact]
    public void Parse_UsesDefaultMaxLengthOf200()
    {
        Assert.Equal(200, ChannelName.DefaultMaxLength);
        Assert.Equal(200, ChannelName.Parse(new string('a', 200)).Value.Length);
        Assert.Throws<ArgumentException>(() => ChannelName.Parse(new string('a', 201)));
    }

    [Fact]
    public void Parse_InvalidName_ThrowsArgumentExceptionWithReason()
    {
        var ex = Assert.Throws<ArgumentException>(() => ChannelName.Parse("a b"));

        Assert.Equal("value", ex.ParamName);
        Assert.Contains("may only contain", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => ChannelName.Parse(null!));
    }

    [Fact]
    public void TryParse_ValidName_ReportsNoError()
    {
        Assert.True(ChannelName.TryParse("orders", 200, out _, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Equality_IsOrdinalAndCaseSensitive()
    {
        var a = ChannelName.Parse("orders.1");
        var same = ChannelName.Parse("orders.1");
        var upper = ChannelName.Parse("Orders.1");

        Assert.True(a == same);
        Assert.True(a.Equals((object)same));
        Assert.Equal(a.GetHashCode(), same.GetHashCode());
        Assert.True(a != upper);
        Assert.False(a.Equals(upper));
        Assert.False(a.Equals("orders.1"));
    }

    [Fact]
    public void ToString_ReturnsFullName_AndDefaultIsEmpty()
    {
        Assert.Equal("private-orders.42", ChannelName.Parse("private-orders.42").ToString());
        Assert.Equal(string.Empty, default(ChannelName).ToString());
        Assert.Equal(0, default(ChannelName).GetHashCode());
    }
}
