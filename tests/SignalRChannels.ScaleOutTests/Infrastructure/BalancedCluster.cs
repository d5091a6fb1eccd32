namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>
/// Three nodes of one cluster (shared Redis, one prefix) behind nginx, round robin without affinity: the topology
/// docs/scaleout.md recommends. Shared by the tests of a class; each test uses channel names of its own.
/// </summary>
public class BalancedCluster : IAsyncLifetime
{
    private readonly List<ServerNode> _nodes = [];

    public IReadOnlyList<ServerNode> Nodes => _nodes;

    public Nginx Nginx { get; private set; } = null!;

    public string Prefix { get; } = TestRedis.NewPrefix("scaleout");

    public ServerNode Node(string name) => _nodes.Single(n => n.Name == name);

    public async Task InitializeAsync()
    {
        var redis = await StartRedisAsync();
        _nodes.AddRange(await Task.WhenAll(
            new[] { "a", "b", "c" }.Select(name => ServerNode.StartAsync(name, NodeOptions(redis)))));
        Nginx = await Nginx.StartAsync(_nodes);
    }

    public virtual async Task DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>How each node is started, on the Redis <see cref="StartRedisAsync"/> gave.</summary>
    protected virtual ServerNodeOptions NodeOptions(string redis) => new() { Redis = redis, Prefix = Prefix };

    /// <summary>The Redis the nodes share: the test Redis server (<see cref="TestRedis"/>).</summary>
    protected virtual Task<string> StartRedisAsync() => TestRedis.GetConfigurationAsync();
}
