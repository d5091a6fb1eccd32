using BenchmarkDotNet.Attributes;

namespace SignalRChannels.Benchmarks;

/// <summary>Matching routes and history/whisper patterns against a channel: authorization and every publish.</summary>
public class ChannelPatternBenchmarks
{
    private readonly ChannelPattern _route = ChannelPattern.Parse("orders.{orderId}");
    private readonly ChannelPattern _twoParameters = ChannelPattern.Parse("tenants.{tenant}.orders.{orderId}");
    private readonly ChannelPattern _wildcard = ChannelPattern.Parse("chat.*");
    private readonly ChannelPattern _kindOnly = ChannelPattern.Parse("presence-chat.*");
    private readonly ChannelName _order = ChannelName.Parse("private-orders.42");
    private readonly ChannelName _tenantOrder = ChannelName.Parse("private-tenants.acme.orders.42");
    private readonly ChannelName _chat = ChannelName.Parse("presence-chat.room.1234");
    private readonly ChannelName _other = ChannelName.Parse("private-invoices.42");

    [Benchmark(Baseline = true)]
    public bool RouteWithParameter() => _route.TryMatch(_order, out _);

    [Benchmark]
    public bool RouteWithTwoParameters() => _twoParameters.TryMatch(_tenantOrder, out _);

    [Benchmark]
    public bool Wildcard() => _wildcard.IsMatch(_chat);

    [Benchmark]
    public bool KindPrefixedWildcard() => _kindOnly.IsMatch(_chat);

    [Benchmark]
    public bool NoMatch() => _route.IsMatch(_other);

    [Benchmark]
    public ChannelPattern Parse() => ChannelPattern.Parse("tenants.{tenant}.orders.{orderId}");
}
