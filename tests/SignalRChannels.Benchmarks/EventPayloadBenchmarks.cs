using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace SignalRChannels.Benchmarks;

/// <summary>
/// <c>EventPayload.FromServer</c>: every server publish serializes its payload to UTF-8 JSON once and checks its size
/// (until #21 it also parsed it back into a <see cref="JsonElement"/>, the last benchmark). Compared with a bare
/// serialize to bytes, its floor.
/// </summary>
public class EventPayloadBenchmarks
{
    private readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web);
    private readonly object _poco = BenchData.Sample;
    private readonly object _element = BenchData.SampleElement;

    [Benchmark(Baseline = true)]
    public byte[] SerializeToBytesOnly() => JsonSerializer.SerializeToUtf8Bytes(_poco, _poco.GetType(), _options);

    [Benchmark]
    public byte[]? FromServerPoco() => Internals.FromServer(_poco, _options, 64 * 1024);

    [Benchmark]
    public byte[]? FromServerJsonElement() => Internals.FromServer(_element, _options, 64 * 1024);

    [Benchmark]
    public JsonElement SerializeToElement() => JsonSerializer.SerializeToElement(_poco, _poco.GetType(), _options);
}
