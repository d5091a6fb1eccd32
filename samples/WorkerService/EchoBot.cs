using Microsoft.Extensions.Options;
using SignalRChannels;
using SignalRChannels.Client;

namespace WorkerService;

/// <summary>
/// Sits in a ChatApp room (a presence channel with history): greets users who join and answers <c>!echo text</c>
/// by calling the app hub method <c>SendMessage</c> on the same connection.
/// </summary>
public sealed partial class EchoBot(ChannelsClient client, IOptions<EchoBotOptions> options, ILogger<EchoBot> logger) : BackgroundService
{
    private const string Command = "!echo ";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var room = options.Value.Room;
        var channel = client.Presence($"chat.{room}");
        channel.MemberJoined += (_, e) => LogJoined(logger, e.Member.Id, room);
        channel.MemberLeft += (_, e) => LogLeft(logger, e.Member.Id, e.Reason);
        channel.GapDetected += (_, gap) => LogGap(logger, gap.ToString());
        channel.SubscriptionFailed += (_, error) => LogRefused(logger, error.Code, error.Detail);

        // The client is started by the host (StartOnHost) and keeps the subscription across reconnects;
        // Events() reads every message once, in order, recovered ones included.
        await foreach (var message in channel.Events<ChatMessage>("message", stoppingToken))
        {
            if (message.Data.User == options.Value.Name || !message.Data.Text.StartsWith(Command, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                await client.InvokeAsync("SendMessage", [room, $"{message.Data.User} said: {message.Data.Text[Command.Length..]}"], stoppingToken);
            }
            catch (ChannelException ex) when (ex.Code is ChannelErrorCodes.Unavailable or ChannelErrorCodes.InvalidArgument)
            {
                // Disconnected for a moment, or a message the server refuses: skip this one, keep listening.
                LogReplyFailed(logger, ex.Code, ex.Detail);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "{Member} joined {Room}.")]
    private static partial void LogJoined(ILogger logger, string member, string room);

    [LoggerMessage(2, LogLevel.Information, "{Member} left ({Reason}).")]
    private static partial void LogLeft(ILogger logger, string member, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Messages lost: {Gap}.")]
    private static partial void LogGap(ILogger logger, string gap);

    [LoggerMessage(4, LogLevel.Error, "The room refused the bot: {Code}: {Detail}.")]
    private static partial void LogRefused(ILogger logger, string code, string detail);

    [LoggerMessage(5, LogLevel.Warning, "Could not reply: {Code}: {Detail}.")]
    private static partial void LogReplyFailed(ILogger logger, string code, string detail);
}
