namespace SignalRChannels.Tests.Authorization;

public class ChannelPatternTests
{
    [Theory]
    [InlineData("orders", "orders", true)]
    [InlineData("orders", "orders.1", false)]
    [InlineData("orders", "order", false)]
    [InlineData("orders", "Orders", false)]
    [InlineData("orders.all", "private-orders.all", true)]
    [InlineData("orders.all", "presence-orders.all", true)]
    [InlineData("a_b-c=d@e,f;g", "a_b-c=d@e,f;g", true)]
    public void Literal_MatchesExactlyThatNameWithoutItsPrefix(string pattern, string channel, bool matches)
    {
        var parsed = ChannelPattern.Parse(pattern);

        Assert.Equal(matches, parsed.IsMatch(ChannelName.Parse(channel)));
        Assert.Empty(parsed.ParameterNames);
    }

    [Theory]
    [InlineData("orders.{orderId}", "private-orders.42", "orderId", "42")]
    [InlineData("orders.{orderId}", "orders.abc", "orderId", "abc")]
    [InlineData("orders.{orderId}", "presence-orders.-1", "orderId", "-1")]
    [InlineData("{room}", "presence-lobby", "room", "lobby")]
    [InlineData("items.{id}x", "items.12x", "id", "12")]
    [InlineData("items.{id}x", "items.x1xx", "id", "x1x")]
    [InlineData("{tenant}.orders", "acme.orders", "tenant", "acme")]
    public void Parameter_CapturesOneDotFreeSegment(string pattern, string channel, string name, string value)
    {
        var parsed = ChannelPattern.Parse(pattern);

        Assert.True(parsed.TryMatch(ChannelName.Parse(channel), out var values));
        Assert.Equal(value, values[name]);
        Assert.Equal(value, values[name.ToUpperInvariant()]);
        Assert.Equal([name], parsed.ParameterNames);
    }

    [Theory]
    [InlineData("orders.{orderId}", "orders.1.2")]
    [InlineData("orders.{orderId}", "orders.")]
    [InlineData("orders.{orderId}", "orders")]
    [InlineData("orders.{orderId}", "Orders.1")]
    [InlineData("orders.{orderId}", "order.1")]
    [InlineData("items.{id}x", "items.x")]
    [InlineData("items.{id}x", "items.1.x")]
    [InlineData("{id}", ".x")]
    public void Parameter_DoesNotMatchEmptyOrDottedOrDifferentLiterals(string pattern, string channel)
    {
        Assert.False(ChannelPattern.Parse(pattern).TryMatch(ChannelName.Parse(channel), out var values));
        Assert.Null(values);
    }

    [Fact]
    public void SeveralParameters_AreCapturedInOrder()
    {
        var parsed = ChannelPattern.Parse("teams.{teamId}.users.{userId}");

        Assert.True(parsed.TryMatch(ChannelName.Parse("private-teams.t1.users.u2"), out var values));
        Assert.Equal(["teamId", "userId"], parsed.ParameterNames);
        Assert.Equal("t1", values["teamId"]);
        Assert.Equal("u2", values["userId"]);
        Assert.False(parsed.IsMatch(ChannelName.Parse("private-teams.t1.users.u2.extra")));
    }

    [Theory]
    [InlineData("orders.*", "orders.1", true)]
    [InlineData("orders.*", "orders.1.2.3", true)]
    [InlineData("orders.*", "private-orders.1", true)]
    [InlineData("orders.*", "presence-orders.1", true)]
    [InlineData("orders.*", "orders", false)]
    [InlineData("orders.*", "ordersx", false)]
    [InlineData("orders.*", "orders.", false)]
    [InlineData("*.shipped", ".shipped", false)]
    [InlineData("orders.*", "xorders.1", false)]
    [InlineData("*", "anything.at.all", true)]
    [InlineData("*", "private-x", true)]
    [InlineData("*.shipped", "orders.1.shipped", true)]
    [InlineData("*.shipped", "orders.1.shipped.not", false)]
    [InlineData("teams.*.users.{userId}", "teams.a.b.users.u1", true)]
    [InlineData("teams.*.users.{userId}", "teams.users.u1", false)]
    public void Wildcard_MatchesAnyRunOfCharacters_DotsIncluded(string pattern, string channel, bool matches) =>
        Assert.Equal(matches, ChannelPattern.Parse(pattern).IsMatch(ChannelName.Parse(channel)));

    [Fact]
    public void WildcardThenParameter_CapturesTheLastSegment()
    {
        Assert.True(ChannelPattern.Parse("teams.*.users.{userId}").TryMatch(ChannelName.Parse("teams.a.b.users.u1"), out var values));

        Assert.Equal("u1", values["userId"]);
    }

    [Theory]
    [InlineData("private-orders.*", ChannelKind.Private, "private-orders.1", true)]
    [InlineData("private-orders.*", ChannelKind.Private, "orders.1", false)]
    [InlineData("private-orders.*", ChannelKind.Private, "presence-orders.1", false)]
    [InlineData("presence-chat.{roomId}", ChannelKind.Presence, "presence-chat.lobby", true)]
    [InlineData("presence-chat.{roomId}", ChannelKind.Presence, "private-chat.lobby", false)]
    [InlineData("presence-chat.{roomId}", ChannelKind.Presence, "chat.lobby", false)]
    [InlineData("private-*", ChannelKind.Private, "private-anything", true)]
    [InlineData("private-*", ChannelKind.Private, "private-presence-x", true)]
    [InlineData("private-*", ChannelKind.Private, "presence-x", false)]
    public void KindPrefixedPattern_MatchesThatKindOnly(string pattern, ChannelKind kind, string channel, bool matches)
    {
        var parsed = ChannelPattern.Parse(pattern);

        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(matches, parsed.IsMatch(ChannelName.Parse(channel)));
    }

    [Theory]
    [InlineData("orders.*")]
    [InlineData("Private-orders.*")]
    [InlineData("PRESENCE-chat")]
    public void PatternWithoutALowerCaseKindPrefix_MatchesEveryKind(string pattern) =>
        Assert.Null(ChannelPattern.Parse(pattern).Kind);

    [Fact]
    public void PatternWithACaseVariantPrefix_IsALiteral_NotAKind()
    {
        var parsed = ChannelPattern.Parse("Private-orders.{id}");

        Assert.False(parsed.IsMatch(ChannelName.Parse("private-orders.1")));
        Assert.False(parsed.IsMatch(ChannelName.Parse("orders.1")));
    }

    [Fact]
    public void TryMatch_PatternWithoutParameters_GivesNoValues()
    {
        Assert.True(ChannelPattern.Parse("orders.*").TryMatch(ChannelName.Parse("orders.1"), out var values));

        Assert.Empty(values);
    }

    [Fact]
    public void Text_IsThePatternAsWritten()
    {
        var parsed = ChannelPattern.Parse("private-orders.{orderId}");

        Assert.Equal("private-orders.{orderId}", parsed.Text);
        Assert.Equal("private-orders.{orderId}", parsed.ToString());
    }

    public static TheoryData<string> MalformedPatterns => new()
    {
        "{",
        "{}",
        "orders.{",
        "orders.{id",
        "orders.{orderId}}",
        "orders.id}",
        "orders.{order-id}",
        "orders.{order.id}",
        "orders.{ id }",
        "orders.{id}{other}",
        "orders.{id}*",
        "orders.*{id}",
        "**",
        "orders.**",
        "orders.{id}.{ID}",
        "orders.{id}.{id}",
        "orders/1",
        "orders 1",
        "orders.#",
        "commandes.é",
        "private-",
        "presence-",
    };

    [Theory]
    [MemberData(nameof(MalformedPatterns))]
    public void Parse_MalformedPattern_Throws(string pattern) =>
        Assert.Throws<ArgumentException>(() => ChannelPattern.Parse(pattern));

    [Fact]
    public void Parse_EmptyOrNull_Throws()
    {
        Assert.Throws<ArgumentException>(() => ChannelPattern.Parse(""));
        Assert.Throws<ArgumentNullException>(() => ChannelPattern.Parse(null!));
    }
}
