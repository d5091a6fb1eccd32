using SignalRChannels.Pusher.Internal;

namespace SignalRChannels.Pusher.Tests;

public sealed class PusherOptionsValidatorTests
{
    private static PusherOptions WithApps(params PusherApp[] apps)
    {
        var options = new PusherOptions();
        foreach (var app in apps)
        {
            options.Apps.Add(app);
        }

        return options;
    }

    [Fact]
    public void OneCompleteApp_IsValid() =>
        Assert.True(new PusherOptionsValidator().Validate(null, WithApps(new PusherApp { Id = "1", Key = "k", Secret = "s" })).Succeeded);

    [Fact]
    public void NoApp_IsRefused() =>
        Assert.True(new PusherOptionsValidator().Validate(null, WithApps()).Failed);

    [Fact]
    public void DuplicateKeys_AreRefused() =>
        Assert.True(new PusherOptionsValidator().Validate(null, WithApps(
            new PusherApp { Id = "1", Key = "k", Secret = "s" },
            new PusherApp { Id = "2", Key = "k", Secret = "t" })).Failed);

    [Theory]
    [InlineData("a b")]
    [InlineData("x@y")]
    [InlineData("")]
    public void AppIdsOutsideTheChannelCharset_AreRefused(string id) =>
        Assert.True(new PusherOptionsValidator().Validate(null, WithApps(new PusherApp { Id = id, Key = "k", Secret = "s" })).Failed);

    [Fact]
    public void MasterKeyThatIsNot32Bytes_IsRefused() =>
        Assert.True(new PusherOptionsValidator().Validate(null, WithApps(
            new PusherApp { Id = "1", Key = "k", Secret = "s", EncryptionMasterKeyBase64 = Convert.ToBase64String(new byte[16]) })).Failed);

    [Fact]
    public void EmptySecret_IsRefused() =>
        Assert.True(new PusherOptionsValidator().Validate(null, WithApps(new PusherApp { Id = "1", Key = "k", Secret = "" })).Failed);
}
