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

    [Theory]
    [InlineData("https://app.example.com/hooks", true)]
    [InlineData("http://127.0.0.1:8080/hooks", true)]
    [InlineData("ftp://app.example.com/hooks", false)]
    [InlineData("/hooks", false)]
    public void WebhookUrls_MustBeAbsoluteHttpOrHttps(string url, bool valid)
    {
        var app = new PusherApp { Id = "1", Key = "k", Secret = "s" };
        app.WebhookUrls.Add(new Uri(url, UriKind.RelativeOrAbsolute));
        Assert.Equal(valid, new PusherOptionsValidator().Validate(null, WithApps(app)).Succeeded);
    }

    [Fact]
    public void MasterKeyThatIsNot32Bytes_IsRefused() =>
        Assert.True(new PusherOptionsValidator().Validate(null, WithApps(
            new PusherApp { Id = "1", Key = "k", Secret = "s", EncryptionMasterKeyBase64 = Convert.ToBase64String(new byte[16]) })).Failed);

    [Fact]
    public void EmptySecret_IsRefused() =>
        Assert.True(new PusherOptionsValidator().Validate(null, WithApps(new PusherApp { Id = "1", Key = "k", Secret = "" })).Failed);
}
