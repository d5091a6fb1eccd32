using System.Text.Json;

namespace SignalRChannels.Tests.Protocol;

public sealed class ProtocolTypesTests
{
    [Fact]
    public void PresenceMember_InfoObject_IsSerializedWithWebDefaults()
    {
        var member = new PresenceMember("u1", new MemberInfo("Ada", 3));

        Assert.Equal("""{"displayName":"Ada","level":3}""", member.Info.GetRawText());
        Assert.Equal(new MemberInfo("Ada", 3), member.GetInfo<MemberInfo>());
    }

    [Fact]
    public void PresenceMember_WithoutInfo_HasJsonNullAndNoTypedInfo()
    {
        var member = new PresenceMember("u1");

        Assert.Equal(JsonValueKind.Null, member.Info.ValueKind);
        Assert.Null(member.GetInfo<MemberInfo>());
    }

    [Fact]
    public void PresenceMember_JsonRoundTrip_KeepsIdAndInfo()
    {
        var json = JsonSerializer.Serialize(new PresenceMember("u1", new MemberInfo("Ada", 3)));
        var back = JsonSerializer.Deserialize<PresenceMember>(json)!;

        Assert.Equal("""{"id":"u1","info":{"displayName":"Ada","level":3}}""", json);
        Assert.Equal("u1", back.Id);
        Assert.Equal(new MemberInfo("Ada", 3), back.GetInfo<MemberInfo>());
    }

    [Fact]
    public void StreamPosition_ConstructorAndInitializer_AreEqual()
    {
        Assert.Equal(new StreamPosition { Offset = 3, Epoch = "e1" }, new StreamPosition(3, "e1"));
        Assert.Equal("""{"offset":3,"epoch":"e1"}""", JsonSerializer.Serialize(new StreamPosition(3, "e1")));
    }

    [Fact]
    public void ChannelEvent_Json_OmitsAbsentOffsetEpochAndSender()
    {
        var envelope = new ChannelEvent { Channel = "news", Event = "posted", Data = JsonDocument.Parse("1").RootElement, Timestamp = 5 };

        Assert.Equal("""{"channel":"news","event":"posted","data":1,"timestamp":5}""", JsonSerializer.Serialize(envelope));
    }

    private sealed record MemberInfo(string DisplayName, int Level);
}
