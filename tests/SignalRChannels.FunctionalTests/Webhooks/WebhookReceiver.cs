using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.FunctionalTests.Webhooks;

/// <summary>
/// A webhook receiver on real Kestrel: checks every request's key and signature as an app would, records each batch
/// with the status it answered, and answers with the faults the test queued (a status, or holding the request until
/// the sender gives up or the test releases it) before answering 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string Key = "hook-key";
    public const string Secret = "hook-secret-0123456789";

    private readonly WebApplication _app;
    private readonly Queue<Func<HttpContext, Task<int>>> _faults = new();
    private readonly List<ReceivedWebhookBatch> _batches = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    private int _inFlight;

    /// <summary>Requests being handled (held ones included).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>When set, every request without a queued fault is answered with this status (the receiver is down).</summary>
    public int? FailAll { get; set; }

    /// <summary>Requests whose key or signature did not verify (answered 401).</summary>
    public int Rejected { get; private set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hooks", context => receiver!.ReceiveAsync(context));
        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver = new WebhookReceiver(app, new Uri(new Uri(address), "/hooks"));
        return receiver;
    }

    /// <summary>Answers the next request with <paramref name="status"/>.</summary>
    public void FailNextWith(int status)
    {
        lock (_faults)
        {
            _faults.Enqueue(_ => Task.FromResult(status));
        }
    }

    /// <summary>Holds the next request until the sender gives up on it (its timeout); the sender sees no answer.</summary>
    public void HangNext()
    {
        lock (_faults)
        {
            _faults.Enqueue(async context =>
            {
                var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await using (context.RequestAborted.Register(() => aborted.TrySetResult()))
                {
                    await aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
                }

                return 0;
            });
        }
    }

    /// <summary>Holds the next request until <paramref name="release"/> completes, then answers 200.</summary>
    public void HoldNextUntil(Task release)
    {
        lock (_faults)
        {
            _faults.Enqueue(async _ =>
            {
                await release.WaitAsync(TimeSpan.FromSeconds(30));
                return 200;
            });
        }
    }

    public ReceivedWebhookBatch[] Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches];
            }
        }
    }

    /// <summary>The events of the batches answered 2xx, in arrival order.</summary>
    public ReceivedWebhookEvent[] Delivered => Batches.Where(b => b.Status is >= 200 and < 300).SelectMany(b => b.Events).ToArray();

    /// <summary>Waits until the delivered events satisfy <paramref name="done"/>; fails after the default timeout.</summary>
    public async Task<ReceivedWebhookEvent[]> WaitForAsync(Func<ReceivedWebhookEvent[], bool> done, string description)
    {
        var deadline = DateTime.UtcNow + TaskTimeoutExtensions.DefaultTimeoutDuration;
        while (true)
        {
            Task changed;
            lock (_batches)
            {
                changed = _changed.Task;
            }

            var delivered = Delivered;
            if (done(delivered))
            {
                return delivered;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Webhooks: '{description}' did not happen; delivered: {string.Join(", ", delivered.Select(e => e.ToString()))}");
            }

            try
            {
                await changed.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Checked once more above, then reported with what did arrive.
            }
        }
    }

    /// <summary>Waits for one delivered event named <paramref name="name"/> on <paramref name="channel"/>.</summary>
    public async Task<ReceivedWebhookEvent> WaitForAsync(string name, string channel, string? userId = null)
    {
        var delivered = await WaitForAsync(
            events => events.Any(e => e.Name == name && e.Channel == channel && (userId is null || e.UserId == userId)),
            $"{name} {channel} {userId}");
        return delivered.First(e => e.Name == name && e.Channel == channel && (userId is null || e.UserId == userId));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (context.Request.Headers[WebhookSignature.KeyHeader] != Key
            || !WebhookSignature.Verify(Secret, body, context.Request.Headers[WebhookSignature.SignatureHeader]))
        {
            Record(null);
            context.Response.StatusCode = 401;
            return;
        }

        Func<HttpContext, Task<int>>? fault;
        lock (_faults)
        {
            _faults.TryDequeue(out fault);
        }

        Interlocked.Increment(ref _inFlight);
        int status;
        try
        {
            status = fault is not null ? await fault(context) : FailAll ?? 200;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }

        using var json = JsonDocument.Parse(body);
        var events = json.RootElement.GetProperty("events").EnumerateArray().Select(ReceivedWebhookEvent.From).ToArray();
        Record(new ReceivedWebhookBatch(
            context.Request.Headers[WebhookSignature.BatchIdHeader].ToString(),
            status,
            json.RootElement.GetProperty("time_ms").GetInt64(),
            events));
        if (status > 0 && !context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = status;
        }
    }

    private void Record(ReceivedWebhookBatch? batch)
    {
        lock (_batches)
        {
            if (batch is null)
            {
                Rejected++;
            }
            else
            {
                _batches.Add(batch);
            }

            var changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }
}

/// <summary>One request the receiver took: the batch id header, what it answered (0: no answer), and the events.</summary>
public sealed record ReceivedWebhookBatch(string BatchId, int Status, long TimeMs, ReceivedWebhookEvent[] Events);

/// <summary>One event of a webhook, as the receiver parsed it.</summary>
public sealed record ReceivedWebhookEvent(string Id, string Name, string Channel, string? UserId, string? Event, string? Data, string? SocketId)
{
    public static ReceivedWebhookEvent From(JsonElement e) => new(
        e.GetProperty("id").GetString()!,
        e.GetProperty("name").GetString()!,
        e.GetProperty("channel").GetString()!,
        Optional(e, "user_id"),
        Optional(e, "event"),
        Optional(e, "data"),
        Optional(e, "socket_id"));

    /// <summary>What identifies the lifecycle event itself, whatever its id: the same transition reported twice would match.</summary>
    public string What => $"{Name} {Channel}" + (UserId is null ? string.Empty : $" {UserId}") + (Event is null ? string.Empty : $" {Event}");

    private static string? Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) ? value.GetString() : null;
}
