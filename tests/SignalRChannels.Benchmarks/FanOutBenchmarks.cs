using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SignalRChannels.Benchmarks;

/// <summary>
/// The fan-out path in memory, without sockets: N connections (in-memory pipes, drained in the background) in one
/// group. One publish through the channels pipeline vs a plain SignalR group send of the same envelope vs writing
/// the pre-serialized bytes straight into each connection's pipe (the floor of any fan-out to N pipes).
/// The load tool measures the same path end to end over real WebSockets.
/// </summary>
public class FanOutBenchmarks
{
    private const string Channel = "bench.0";
    private const string HistoryChannel = "hist.0";
    private const string MiddlewareChannel = "mw.0";
    private readonly List<PipeWriter> _outputs = [];
    private readonly List<Task> _drains = [];
    private WebApplication _app = null!;
    private IChannelBroadcaster _broadcaster = null!;
    private IHubContext<PlainHub> _plain = null!;
    private byte[] _frame = null!;

    // 0 is the cost per publish alone (a group with no member); 1 and 10 are the small channels of the #21 target
    // (≥ 0.95 × plain); the slope from 1 to 1,000 is the cost per recipient.
    [Params(0, 1, 10, 100, 1000)]
    public int Connections { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSignalR().AddChannels(c =>
        {
            c.History("hist.*", size: 100, ttl: TimeSpan.FromMinutes(10));

            // One no-op publish middleware (#15's target: ≥ 0.95 × the same fan-out without), on its own channels only.
            c.UseMiddleware((context, next) => next(context), "mw.*");
        });
        _app = builder.Build();
        _app.MapChannelHub<ChannelsHub>("/channels");
        _app.MapHub<PlainHub>("/plain");
        _broadcaster = _app.Services.GetRequiredService<IChannelBroadcaster>();
        _plain = _app.Services.GetRequiredService<IHubContext<PlainHub>>();
        var protocol = _app.Services.GetRequiredService<IHubProtocolResolver>().GetProtocol("json", null)!;
        var channels = _app.Services.GetRequiredService<HubLifetimeManager<ChannelsHub>>();
        var plain = _app.Services.GetRequiredService<HubLifetimeManager<PlainHub>>();
        for (var i = 0; i < Connections; i++)
        {
            var channelsConnection = Connect(protocol, channels);
            channels.AddToGroupAsync(channelsConnection, Internals.GroupOf(ChannelName.Parse(Channel))).GetAwaiter().GetResult();
            channels.AddToGroupAsync(channelsConnection, Internals.GroupOf(ChannelName.Parse(HistoryChannel))).GetAwaiter().GetResult();
            channels.AddToGroupAsync(channelsConnection, Internals.GroupOf(ChannelName.Parse(MiddlewareChannel))).GetAwaiter().GetResult();
            plain.AddToGroupAsync(Connect(protocol, plain), Channel).GetAwaiter().GetResult();
        }

        _frame = protocol.GetMessageBytes(new InvocationMessage(ChannelEvent.ClientMethodName,
            [new BenchEnvelope(Channel, "load", BenchData.Sample, 1_764_000_000_000)])).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var output in _outputs)
        {
            output.Complete();
        }

        Task.WhenAll(_drains).GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task PlainGroupSend() =>
        _plain.Clients.Group(Channel).SendAsync(ChannelEvent.ClientMethodName, new BenchEnvelope(Channel, "load", BenchData.Sample, 1_764_000_000_000));

    [Benchmark]
    public Task ChannelsPublish() => _broadcaster.PublishAsync(Channel, "load", BenchData.Sample);

    [Benchmark]
    public Task ChannelsPublishThroughNoOpMiddleware() => _broadcaster.PublishAsync(MiddlewareChannel, "load", BenchData.Sample);

    [Benchmark]
    public Task ChannelsPublishWithInMemoryHistory() => _broadcaster.PublishAsync(HistoryChannel, "load", BenchData.Sample);

    [Benchmark]
    public async Task RawPipeWrites()
    {
        // Only the plain connections' pipes, so each gets one frame per call, like the group sends.
        for (var i = 1; i < _outputs.Count; i += 2)
        {
            await _outputs[i].WriteAsync(_frame);
        }
    }

    private string Connect<THub>(IHubProtocol protocol, HubLifetimeManager<THub> manager)
        where THub : Hub
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        var id = Guid.NewGuid().ToString("N");
        var connection = new DefaultConnectionContext(id, new DuplexPipe(toServer.Reader, toClient.Writer), new DuplexPipe(toClient.Reader, toServer.Writer));
        var hubConnection = new HubConnectionContext(connection, new HubConnectionContextOptions { KeepAliveInterval = Timeout.InfiniteTimeSpan }, NullLoggerFactory.Instance)
        {
            Protocol = protocol,
        };
        manager.OnConnectedAsync(hubConnection).GetAwaiter().GetResult();
        _outputs.Add(toClient.Writer);
        _drains.Add(DrainAsync(toClient.Reader));
        return id;
    }

    private static async Task DrainAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await reader.CompleteAsync();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

/// <summary>The channel hub of the fan-out benchmark.</summary>
public sealed class ChannelsHub : ChannelHub
{
}

/// <summary>The plain hub of the fan-out benchmark.</summary>
public sealed class PlainHub : Hub
{
}
