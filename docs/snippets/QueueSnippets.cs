using SignalRChannels;

namespace DocsSnippets;

public static class QueueSnippets
{
    public static void Setup(WebApplicationBuilder builder)
    {
        #region queue-setup
        builder.Services.AddSignalR()
            .AddChannels(channels => channels.History("orders.*", size: 500, ttl: TimeSpan.FromHours(1)))
            .AddRedis(builder.Configuration.GetConnectionString("Redis"))
            .AddQueuedBroadcasting(options =>
            {
                options.Capacity = 200_000;       // past it, EnqueueAsync answers limit_exceeded at once
                options.MaxRetryAttempts = 10;    // then the event is dead-lettered
            });
        builder.Services.AddSingleton<IChannelDeadLetterHandler, AlertOnDeadLetter>();
        #endregion
    }

    public static void Enqueue(WebApplication app)
    {
        #region queue-enqueue
        app.MapPost("/orders/{id:long}/ship", async (long id, HttpContext http, IChannelQueue queue) =>
        {
            // … ship the order and save it …
            try
            {
                // Returns once the queue holds the event; a worker publishes it, in order per channel, retrying failures.
                var eventId = await queue.EnqueueAsync($"private-orders.{id}", "OrderShipped", new { id }, toOthers: http.GetSocketId(), http.RequestAborted);
                return Results.Accepted(value: new { eventId });
            }
            catch (ChannelException ex) when (ex.Code is ChannelErrorCodes.LimitExceeded or ChannelErrorCodes.Unavailable)
            {
                // Not accepted: nothing was queued. Tell the caller to try again.
                return Results.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        #endregion
    }

    public static void Replay(WebApplication app)
    {
        #region queue-replay
        // An operator's endpoint (protect it): list dead letters, then put them back in the queue once the cause is fixed.
        var admin = app.MapGroup("/admin/queue").RequireAuthorization("operators");
        admin.MapGet("/dead-letters", (IChannelQueue queue, CancellationToken ct) => queue.GetDeadLettersAsync(100, ct));
        admin.MapPost("/dead-letters/replay", async (IChannelQueue queue, CancellationToken ct) =>
        {
            var replayed = 0;
            foreach (var deadLetter in await queue.GetDeadLettersAsync(100, ct))
            {
                await queue.ReplayDeadLetterAsync(deadLetter, ct); // same event id: clients still drop a repeat
                replayed++;
            }

            return Results.Ok(new { replayed });
        });
        #endregion
    }
}

#region queue-dead-letter-handler
public sealed partial class AlertOnDeadLetter(ILogger<AlertOnDeadLetter> logger) : IChannelDeadLetterHandler
{
    public ValueTask OnDeadLetteredAsync(DeadLetteredEvent deadLetter, CancellationToken cancellationToken)
    {
        Log.DeadLettered(logger, deadLetter.Event.Channel, deadLetter.Event.Event, deadLetter.Attempts, deadLetter.Reason);
        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Critical, "Event {Event} on {Channel} was dead-lettered after {Attempts} attempts: {Reason}")]
        public static partial void DeadLettered(ILogger logger, string channel, string @event, int attempts, string reason);
    }
}
#endregion
