namespace SignalRChannels.Client.Tests;

public sealed class ChannelExceptionTests
{
    [Theory]
    [InlineData("An unexpected error occurred invoking 'Subscribe' on the server. HubException: forbidden: subscription to 'private-x' denied", "forbidden", "subscription to 'private-x' denied")]
    [InlineData("Failed to invoke 'Whisper' due to an error on the server. HubException: invalid_argument: the arguments do not match", "invalid_argument", "the arguments do not match")]
    [InlineData("rate_limited: slow down", "rate_limited", "slow down")]
    public void FromMessage_CodedMessage_ParsesCodeAndDetail(string message, string code, string detail)
    {
        var error = ChannelException.FromMessage(message, "private-x");

        Assert.Equal((code, detail, "private-x"), (error.Code, error.Detail, error.Channel));
    }

    [Theory]
    [InlineData("invalid_channel")]
    [InlineData("invalid_argument")]
    [InlineData("forbidden")]
    [InlineData("not_subscribed")]
    [InlineData("not_presence")]
    [InlineData("whisper_disabled")]
    [InlineData("payload_too_large")]
    [InlineData("rate_limited")]
    [InlineData("limit_exceeded")]
    [InlineData("unavailable")]
    public void FromMessage_EveryCodeOfTheProtocol_IsRecognized(string code)
    {
        var error = ChannelException.FromMessage($"An unexpected error occurred invoking 'X' on the server. HubException: {code}: detail");

        Assert.Equal((code, "detail"), (error.Code, error.Detail));
    }

    [Theory]
    [InlineData("HubException: something: else")]
    [InlineData("no code at all")]
    public void FromMessage_WithoutKnownCode_IsUnknownWithWholeMessage(string message)
    {
        var error = ChannelException.FromMessage(message);

        Assert.Equal((ChannelErrorCodes.Unknown, message), (error.Code, error.Detail));
    }
}
