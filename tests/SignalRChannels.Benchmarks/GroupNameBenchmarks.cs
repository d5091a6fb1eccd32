using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;

namespace SignalRChannels.Benchmarks;

/// <summary>
/// The SignalR group name a publish sends to, <c>"ch:" + channel</c>: built per publish, against a per-channel cache
/// of it (what issue #21 asks for), which must hash the channel name to find it.
/// </summary>
[MemoryDiagnoser]
public class GroupNameBenchmarks
{
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);
    private string _channel = "";

    [Params(16, 64)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A fresh string each time, as a publisher that formats "orders.{id}" passes one.
        _channel = new string('a', Length - 7) + ".orders";
        _cache[_channel] = "ch:" + _channel;
    }

    [Benchmark(Baseline = true)]
    public string Concat() => "ch:" + _channel;

    [Benchmark]
    public string Cached() => _cache.TryGetValue(_channel, out var group) ? group : "ch:" + _channel;
}
