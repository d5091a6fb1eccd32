using System.Text.Json;
using System.Text.Json.Nodes;
using SignalRChannels;
using SignalRChannels.Client;

namespace DocsSnippets;

public interface IBannedWords
{
    bool Contains(string text);
}

public sealed record ChatMessage(string? Text);

#region middleware
/// <summary>Drops chat messages (server publishes and whispers) that contain a banned word.</summary>
public sealed class ChatModeration(IBannedWords banned) : IChannelEventMiddleware
{
    public ValueTask InvokeAsync(ChannelEventContext context, ChannelEventDelegate next)
    {
        if (context.Kind != ChannelEventKind.Presence
            && context.Data.ValueKind == JsonValueKind.Object
            && context.GetData<ChatMessage>() is { Text: { } text }
            && banned.Contains(text))
        {
            // Not sent, not stored; logged and counted. A whisper's sender gets "event_dropped: … moderated".
            context.Drop("moderated");
            return ValueTask.CompletedTask;
        }

        return next(context);
    }
}
#endregion

#region typed-event
/// <summary>Goes to the order's private channel as "ParcelShipped" (the type name), with the record as payload.</summary>
public sealed record ParcelShipped(long OrderId, string Carrier) : IBroadcastEvent
{
    public IEnumerable<string> BroadcastOn() => [$"private-orders.{OrderId}"];
}
#endregion

public static class PipelineSnippets
{
    public static void Configure(WebApplicationBuilder builder)
    {
        #region register
        builder.Services.AddSingleton<IBannedWords, BannedWords>();
        builder.Services.AddSignalR()
            .AddChannels(channels =>
            {
                // Every event on every channel, first: stamp server-published objects with the server's time (enrich).
                channels.UseMiddleware((context, next) =>
                {
                    if (context.Kind == ChannelEventKind.Server && context.Data.ValueKind == JsonValueKind.Object)
                    {
                        var data = JsonNode.Parse(context.Data.GetRawText())!.AsObject();
                        data["sentAt"] = context.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
                        context.SetData(data);
                    }

                    return next(context);
                });

                // Then, on chat channels of every kind only (chat.1, private-chat.1, presence-chat.1): moderation.
                channels.UseMiddleware<ChatModeration>("chat.*");
            });
        #endregion
    }

    #region typed-publish
    public static Task OnShippedAsync(IChannelBroadcaster broadcaster, HttpContext http, long orderId) =>
        // Middleware and toOthers apply as for any publish; every channel is checked before anything is sent.
        broadcaster.PublishAsync(new ParcelShipped(orderId, "DHL"), toOthers: http.GetSocketId(), http.RequestAborted);
    #endregion

    public static void Listen(ChannelsClient client)
    {
        #region filter-dotnet
        // Only ParcelShipped (and member:/channel: events) cross the wire to this subscription.
        client.Private("orders.42", events: [nameof(ParcelShipped)])
            .On<ParcelShipped>(e => Console.WriteLine($"order {e.OrderId} left with {e.Carrier}"));
        #endregion
    }

    private sealed class BannedWords : IBannedWords
    {
        public bool Contains(string text) => text.Contains("spam", StringComparison.OrdinalIgnoreCase);
    }
}
