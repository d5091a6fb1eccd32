using System.Buffers;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.Benchmarks;

/// <summary>
/// Writing one <c>ChannelEvent</c> invocation with the hub protocols as the server registers them (MessagePack with
/// the channels' <see cref="System.Text.Json.JsonElement"/> formatter): once per publish and protocol, not per
/// recipient. Compared with the plain baseline's envelope carrying typed data.
/// </summary>
public class EnvelopeSerializationBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private IHubProtocol _protocol = null!;
    private InvocationMessage _channelEvent = null!;
    private InvocationMessage _plainEnvelope = null!;

    [Params("json", "messagepack")]
    public string Protocol { get; set; } = "json";

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR().AddMessagePackProtocol().AddChannels();
        var provider = services.BuildServiceProvider();
        _protocol = provider.GetRequiredService<IHubProtocolResolver>().GetProtocol(Protocol, null)
            ?? throw new InvalidOperationException($"no {Protocol} protocol");
        _channelEvent = new InvocationMessage(ChannelEvent.ClientMethodName,
        [
            new ChannelEvent { Channel = "load.0", Event = "load", Data = BenchData.SampleElement, Timestamp = 1_764_000_000_000 },
        ]);
        _plainEnvelope = new InvocationMessage(ChannelEvent.ClientMethodName,
        [
            new BenchEnvelope("load.0", "load", BenchData.Sample, 1_764_000_000_000),
        ]);
    }

    [Benchmark(Baseline = true)]
    public int PlainEnvelopeTypedData()
    {
        _output.ResetWrittenCount();
        _protocol.WriteMessage(_plainEnvelope, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int ChannelEventJsonElementData()
    {
        _output.ResetWrittenCount();
        _protocol.WriteMessage(_channelEvent, _output);
        return _output.WrittenCount;
    }
}
