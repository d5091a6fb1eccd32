using SignalRChannels;

namespace DocsSnippets;

public static class WebhookSnippets
{
    public static void Setup(WebApplicationBuilder builder)
    {
        #region webhooks-setup
        builder.Services.AddSignalR()
            .AddChannels()
            .AddRedis(builder.Configuration.GetConnectionString("Redis"))
            .AddWebhooks(options =>
            {
                options.Urls.Add(new Uri("https://app.example.com/pusher/webhooks"));
                options.Credentials = new ChannelsAppCredentials
                {
                    Id = "my-app",
                    Key = builder.Configuration["Webhooks:Key"]!,
                    Secret = builder.Configuration["Webhooks:Secret"]!,
                };
                options.Events = WebhookEvents.ChannelOccupied | WebhookEvents.ChannelVacated
                    | WebhookEvents.MemberAdded | WebhookEvents.MemberRemoved;
                options.MaxBatchSize = 50;                      // events per request
                options.BatchInterval = TimeSpan.FromMilliseconds(200); // wait this long for more before sending
                options.QueueCapacity = 20_000;                  // per URL, on each node; past it events are dropped and counted
                options.MaxRetryAttempts = 8;                    // 408, 429, 5xx, timeouts and connection errors
            });
        #endregion
    }

    public static void Receiver(WebApplication app, string secret)
    {
        #region webhooks-receiver
        // A receiver (any ASP.NET Core app): check the signature over the exact bytes, then drop repeats by event id.
        app.MapPost("/pusher/webhooks", async (HttpRequest request, ISeenEvents seen) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (!WebhookSignature.Verify(secret, body.ToArray(), request.Headers[WebhookSignature.SignatureHeader]))
            {
                return Results.Unauthorized();
            }

            using var json = System.Text.Json.JsonDocument.Parse(body.ToArray());
            foreach (var e in json.RootElement.GetProperty("events").EnumerateArray())
            {
                if (seen.Add(e.GetProperty("id").GetString()!))
                {
                    // Handle e: name channel_occupied, channel_vacated, member_added (user_id), member_removed, client_event.
                }
            }

            return Results.Ok();
        });
        #endregion
    }

    /// <summary>The receiver's record of event ids it handled (a database table with a unique key, a cache with a TTL).</summary>
    public interface ISeenEvents
    {
        /// <summary>Records an id; false when it was seen before.</summary>
        bool Add(string id);
    }
}
