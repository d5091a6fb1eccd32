using BenchmarkDotNet.Attributes;

namespace SignalRChannels.Benchmarks;

/// <summary>Parsing a channel name: every Subscribe and every publish does it once.</summary>
public class ChannelNameBenchmarks
{
    private readonly string _private = "private-orders.42";
    private readonly string _presence = "presence-chat.room-1234";
    private readonly string _long = "public." + new string('a', 190);
    private readonly string _invalid = "private-orders/42";

    [Benchmark(Baseline = true)]
    public ChannelName ParsePrivate() => ChannelName.Parse(_private);

    [Benchmark]
    public ChannelName ParsePresence() => ChannelName.Parse(_presence);

    [Benchmark]
    public ChannelName ParseLongPublic() => ChannelName.Parse(_long);

    [Benchmark]
    public bool TryParseInvalid() => ChannelName.TryParse(_invalid, ChannelName.DefaultMaxLength, out _, out _);

    [Benchmark]
    public string NameWithoutPrefix() => ChannelName.Parse(_private).Name;
}
