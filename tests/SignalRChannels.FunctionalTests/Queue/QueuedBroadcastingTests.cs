using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace SignalRChannels.FunctionalTests.Queue;

/// <summary>Queued broadcasting on one node with the in-memory queue: order, bounds, retries, dead letters, metrics.</summary>
public sealed class QueuedBroadcastingTests
{
    [Fact]
    public async Task Enqueue_DeliversEveryEventOnceInEnqueueOrder_WithItsIdAndOnHistoryChannelsAnOffset()
    {
        await using var server = await StartAsync(_ => { });
        var client = await server.ConnectAsync();
        await client.SubscribeAsync("history.q");
        await client.SubscribeAsync("plain.q");
        var queue = server.Services.GetRequiredService<IChannelQueue>();

        var ids = new List<string>();
        for (var i = 1; i <= 200; i++)
        {
            ids.Add(await queue.EnqueueAsync("history.q", "tick", new { i }).DefaultTimeout());
        }

        var plainId = await queue.EnqueueAsync("plain.q", "note", new { i = 0 }).DefaultTimeout();
        var received = new List<ReceivedEvent>();
        for (var i = 0; i < 201; i++)
        {
            received.Add(await client.NextEventAsync());
        }

        var history = received.Where(e => e.Channel == "history.q").ToList();
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $$"""{"i":{{i}}}"""), history.Select(e => e.DataJson()));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long?)i), history.Select(e => e.Offset));
        Assert.Equal(ids, history.Select(e => e.Id));
        Assert.Equal(200, ids.Distinct().Count());
        var plain = Assert.Single(received, e => e.Channel == "plain.q");
        Assert.Equal((plainId, (long?)null), (plain.Id, plain.Offset));
    }

    [Fact]
    public async Task EnqueueTypedEvent_QueuesItForEachOfItsChannels_UnderItsName()
    {
        await using var server = await StartAsync(_ => { });
        var client = await server.ConnectAsync();
        await client.SubscribeAsync("history.typed");
        await client.SubscribeAsync("plain.typed");
        var queue = server.Services.GetRequiredService<IChannelQueue>();

        var ids = await queue.EnqueueAsync(new PriceChanged(["history.typed", "plain.typed", "history.typed"], 42)).DefaultTimeout();

        var received = new[] { await client.NextEventAsync(), await client.NextEventAsync() }.OrderBy(e => e.Channel, StringComparer.Ordinal).ToArray();
        Assert.Equal(2, ids.Count);
        Assert.Equal(["history.typed", "plain.typed"], received.Select(e => e.Channel));
        Assert.All(received, e => Assert.Equal((nameof(PriceChanged), """{"cents":42}"""), (e.Event, e.DataJson())));
        Assert.Equal(ids.Order(StringComparer.Ordinal), received.Select(e => e.Id!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EnqueueTypedEvent_WithAnInvalidChannel_QueuesNothing()
    {
        await using var server = await StartAsync(_ => { });
        var client = await server.ConnectAsync();
        await client.SubscribeAsync("plain.ok");
        var queue = server.Services.GetRequiredService<IChannelQueue>();

        var ex = await Assert.ThrowsAsync<ChannelException>(() => queue.EnqueueAsync(new PriceChanged(["plain.ok", "bad channel!"], 1)).DefaultTimeout());
        await queue.EnqueueAsync("plain.ok", "Marker", null).DefaultTimeout();

        Assert.Equal(ChannelErrorCodes.InvalidChannel, ex.Code);
        Assert.Equal("Marker", (await client.NextEventAsync()).Event);
    }

    [Fact]
    public async Task Enqueue_FullQueue_IsRefusedAtOnceWithLimitExceeded_AndEveryAcceptedEventIsStillDelivered()
    {
        var store = new ControlledEventStore(TimeProvider.System);
        await using var server = await StartAsync(o => o.Capacity = 5, store);
        var client = await server.ConnectAsync();
        await client.SubscribeAsync("history.full");
        var queue = server.Services.GetRequiredService<IChannelQueue>();
        store.Close();

        for (var i = 1; i <= 5; i++)
        {
            await queue.EnqueueAsync("history.full", "tick", new { i }).DefaultTimeout();
        }

        var refused = await Assert.ThrowsAsync<ChannelException>(() => queue.EnqueueAsync("history.full", "tick", new { i = 6 }).DefaultTimeout());
        Assert.Equal(ChannelErrorCodes.LimitExceeded, refused.Code);

        store.Open();
        for (var i = 1; i <= 5; i++)
        {
            var received = await client.AssertNextEventAsync("history.full", "tick");
            Assert.Equal((long?)i, received.Offset);
        }

        // Room again once delivered.
        await Poll.UntilAsync(async () => await TryEnqueueAsync(queue, "history.full", 7), "the queue accepted an event after draining");
        Assert.Equal(6, (await client.AssertNextEventAsync("history.full", "tick")).Offset);
    }

    [Fact]
    public async Task Publish_ThatFailsTwice_IsRetriedAndDeliveredOnce_AndCountedAsRetries()
    {
        var store = new ControlledEventStore(TimeProvider.System);
        await using var server = await StartAsync(o => o.RetryBaseDelay = TimeSpan.FromMilliseconds(1), store);
        using var retries = new MetricCollector<long>(server.Services.GetRequiredService<IMeterFactory>(), "SignalRChannels", "signalrchannels.queue.retries");
        var client = await server.ConnectAsync();
        await client.SubscribeAsync("history.retry");
        var queue = server.Services.GetRequiredService<IChannelQueue>();

        store.Fail(2);
        await queue.EnqueueAsync("history.retry", "tick", new { i = 1 }).DefaultTimeout();
        await queue.EnqueueAsync("history.retry", "tick", new { i = 2 }).DefaultTimeout();

        Assert.Equal("""{"i":1}""", (await client.AssertNextEventAsync("history.retry", "tick")).DataJson());
        var second = await client.AssertNextEventAsync("history.retry", "tick");
        Assert.Equal(("""{"i":2}""", (long?)2), (second.DataJson(), second.Offset));
        Assert.Equal(2, retries.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(4, store.Attempts);
    }

    [Fact]
    public async Task Publish_ThatFailsBeyondTheRetryLimit_IsDeadLettered_ReportedAndReplayable()
    {
        var store = new ControlledEventStore(TimeProvider.System);
        var handler = new RecordingDeadLetterHandler();
        await using var server = await StartAsync(
            o =>
            {
                o.MaxRetryAttempts = 2;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            },
            store,
            services => services.AddSingleton<IChannelDeadLetterHandler>(handler));
        using var deadLetters = new MetricCollector<long>(server.Services.GetRequiredService<IMeterFactory>(), "SignalRChannels", "signalrchannels.queue.dead_letters");
        var client = await server.ConnectAsync();
        await client.SubscribeAsync("history.dead");
        var queue = server.Services.GetRequiredService<IChannelQueue>();

        store.Fail(int.MaxValue);
        var id = await queue.EnqueueAsync("history.dead", "tick", new { i = 1 }).DefaultTimeout();
        var reported = await handler.First.Task.DefaultTimeout();

        Assert.Equal((id, 3), (reported.Event.Id, reported.Attempts));
        Assert.StartsWith("unavailable:", reported.Reason, StringComparison.Ordinal);
        Assert.Equal(1, deadLetters.GetMeasurementSnapshot().Sum(m => m.Value));
        var listed = Assert.Single(await queue.GetDeadLettersAsync(10).DefaultTimeout());
        Assert.Equal(reported.Id, listed.Id);

        store.Fail(0);
        await queue.ReplayDeadLetterAsync(listed).DefaultTimeout();

        var delivered = await client.AssertNextEventAsync("history.dead", "tick");
        Assert.Equal((id, (long?)1), (delivered.Id, delivered.Offset));
        Assert.Empty(await queue.GetDeadLettersAsync(10).DefaultTimeout());
    }

    [Fact]
    public async Task Metrics_ReportTheDepthAndTheAgeOfTheOldestEvent()
    {
        var store = new ControlledEventStore(TimeProvider.System);
        await using var server = await StartAsync(_ => { }, store);
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using var depth = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.queue.depth");
        using var age = new MetricCollector<double>(meterFactory, "SignalRChannels", "signalrchannels.queue.oldest_age");
        var queue = server.Services.GetRequiredService<IChannelQueue>();
        store.Close();

        for (var i = 0; i < 3; i++)
        {
            await queue.EnqueueAsync("history.metrics", "tick", i).DefaultTimeout();
        }

        depth.RecordObservableInstruments();
        age.RecordObservableInstruments();
        Assert.Equal(3, depth.LastMeasurement!.Value);
        Assert.True(age.LastMeasurement!.Value >= 0);

        store.Open();
        await Poll.UntilAsync(
            () =>
            {
                depth.RecordObservableInstruments();
                return depth.LastMeasurement!.Value == 0;
            },
            "the queue drained");
        age.RecordObservableInstruments();
        Assert.Equal(0, age.LastMeasurement!.Value);
    }

    [Theory]
    [InlineData("bad channel!", "tick", "invalid_channel")]
    [InlineData("orders", "member:joined", "invalid_argument")]
    public async Task Enqueue_BadEvent_IsRefusedAtOnceWithACode(string channel, string eventName, string code)
    {
        await using var server = await StartAsync(_ => { });
        var queue = server.Services.GetRequiredService<IChannelQueue>();

        var error = await Assert.ThrowsAsync<ChannelException>(() => queue.EnqueueAsync(channel, eventName, null).DefaultTimeout());

        Assert.Equal(code, error.Code);
    }

    [Fact]
    public async Task Enqueue_PayloadOverTheLimit_IsRefusedWithPayloadTooLarge()
    {
        await using var server = await StartAsync(_ => { });
        var queue = server.Services.GetRequiredService<IChannelQueue>();

        var error = await Assert.ThrowsAsync<ChannelException>(() => queue.EnqueueAsync("orders", "big", new string('x', 70_000)).DefaultTimeout());

        Assert.Equal(ChannelErrorCodes.PayloadTooLarge, error.Code);
    }

    [Theory]
    [InlineData(nameof(QueuedBroadcastingOptions.Capacity), 0)]
    [InlineData(nameof(QueuedBroadcastingOptions.MaxRetryAttempts), -1)]
    [InlineData(nameof(QueuedBroadcastingOptions.MaxInFlight), 0)]
    [InlineData(nameof(QueuedBroadcastingOptions.Partitions), 0)]
    public async Task Start_WithQueueOptionOutOfRange_FailsWithOptionsValidationException(string option, int value)
    {
        var property = typeof(QueuedBroadcastingOptions).GetProperty(option)!;

        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => StartAsync(o => property.SetValue(o, value)));

        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithALeaseTimeTooShort_FailsWithOptionsValidationException()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => StartAsync(o => o.LeaseTime = TimeSpan.FromMilliseconds(10)));

        Assert.Contains(nameof(QueuedBroadcastingOptions.LeaseTime), ex.Message, StringComparison.Ordinal);
    }

    private static async Task<bool> TryEnqueueAsync(IChannelQueue queue, string channel, int i)
    {
        try
        {
            await queue.EnqueueAsync(channel, "tick", new { i }).DefaultTimeout();
            return true;
        }
        catch (ChannelException ex) when (ex.Code == ChannelErrorCodes.LimitExceeded)
        {
            return false;
        }
    }

    private static Task<ChannelsTestServer> StartAsync(
        Action<QueuedBroadcastingOptions> queue,
        ControlledEventStore? store = null,
        Action<IServiceCollection>? services = null) =>
        ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            Channels = channels => channels.History("history.*", 1000, TimeSpan.FromMinutes(5)),
            Queue = queue,
            ConfigureBuilder = builder =>
            {
                if (store is not null)
                {
                    builder.Services.Replace(ServiceDescriptor.Singleton<IChannelEventStore>(store));
                }

                services?.Invoke(builder.Services);
            },
        });

    private sealed record PriceChanged(IReadOnlyList<string> Channels, int Cents) : IBroadcastEvent
    {
        public IEnumerable<string> BroadcastOn() => Channels;

        public object? BroadcastWith() => new { cents = Cents };
    }

    private sealed class RecordingDeadLetterHandler : IChannelDeadLetterHandler
    {
        public TaskCompletionSource<DeadLetteredEvent> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask OnDeadLetteredAsync(DeadLetteredEvent deadLetter, CancellationToken cancellationToken)
        {
            First.TrySetResult(deadLetter);
            return ValueTask.CompletedTask;
        }
    }
}
