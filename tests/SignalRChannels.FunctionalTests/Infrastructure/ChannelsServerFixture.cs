namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// One <see cref="ChannelsTestServer"/> shared by the tests of a class. Tests stay independent by using
/// their own channels (<see cref="TestChannels.Unique"/>) and their own connections.
/// Derive and override <see cref="Options"/> for a differently configured server.
/// </summary>
public class ChannelsServerFixture : IAsyncLifetime
{
    private ChannelsTestServer? _server;

    public ChannelsTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    protected virtual ChannelsTestServerOptions Options => new();

    public virtual async Task InitializeAsync() => _server = await ChannelsTestServer.StartAsync(Options);

    public virtual async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
