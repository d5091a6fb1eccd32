using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRChannels.FunctionalTests;

/// <summary>
/// AddChannels changes how a channel hub answers arguments it cannot bind (a coded <c>invalid_argument</c>); a plain
/// SignalR hub mapped in the same app must keep SignalR's own behaviour.
/// </summary>
public sealed class PlainHubCoexistenceTests
{
    private const string PlainPath = "/hubs/plain";

    [Fact]
    public async Task PlainHub_InSameApp_KeepsSignalRsOwnBindingError_WhileTheChannelHubAnswersACode()
    {
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            ConfigureApp = app => app.MapHub<PlainHub>(PlainPath),
        });
        await using var plain = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, PlainPath)).Build();
        await plain.StartAsync().DefaultTimeout();
        await using var channels = await server.ConnectAsync();

        Assert.Equal(5, await plain.InvokeAsync<int>(nameof(PlainHub.Add), 2, 3).DefaultTimeout());
        var plainError = await Assert.ThrowsAsync<HubException>(() => plain.InvokeAsync<int>(nameof(PlainHub.Add), "two", "three").DefaultTimeout());
        var channelError = await Assert.ThrowsAsync<HubException>(() =>
            channels.Connection.InvokeCoreAsync<object>("Subscribe", [42, "not options"]).DefaultTimeout());

        Assert.DoesNotContain(ChannelErrorCodes.InvalidArgument, plainError.Message, StringComparison.Ordinal);
        Assert.Contains("Failed to invoke 'Add'", plainError.Message, StringComparison.Ordinal);
        Assert.Equal(ChannelErrorCodes.InvalidArgument, HubErrors.CodeOf(channelError.Message));
    }

    public sealed class PlainHub : Hub
    {
        public int Add(int a, int b) => a + b;
    }
}
