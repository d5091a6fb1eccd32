using SignalRChannels.Presence;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Stores.Tests.Presence;

public sealed class PresenceOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValidAndDocumented()
    {
        var options = new PresenceOptions();

        Assert.True(new PresenceOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(10), options.MemberTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.HeartbeatInterval);
        Assert.Equal(1024, options.MaxMemberInfoBytes);
        Assert.NotEqual(new PresenceOptions().NodeId, options.NodeId);
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData(30, 60)]
    [InlineData(30, 0)]
    public void Validate_HeartbeatIntervalNotShorterThanTimeout_Fails(int timeoutSeconds, int intervalSeconds)
    {
        var options = new PresenceOptions
        {
            MemberTimeout = TimeSpan.FromSeconds(timeoutSeconds),
            HeartbeatInterval = TimeSpan.FromSeconds(intervalSeconds),
        };

        Assert.True(new PresenceOptionsValidator().Validate(null, options).Failed);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a\nb")]
    public void Validate_BadNodeId_Fails(string nodeId)
    {
        Assert.True(new PresenceOptionsValidator().Validate(null, new PresenceOptions { NodeId = nodeId }).Failed);
    }

    [Fact]
    public void Store_WithInvalidOptions_RefusesToStart()
    {
        var options = new PresenceOptions { HeartbeatInterval = TimeSpan.FromMinutes(1) };

        Assert.Throws<OptionsValidationException>(() => new InMemoryPresenceStore(options, TimeProvider.System, new InMemoryPresenceCluster()));
    }
}
