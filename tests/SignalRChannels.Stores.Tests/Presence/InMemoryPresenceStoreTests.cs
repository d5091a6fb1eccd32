using SignalRChannels.Presence;
using Xunit.Abstractions;

namespace SignalRChannels.Stores.Tests.Presence;

public sealed class InMemoryPresenceStoreTests(ITestOutputHelper output) : PresenceStoreSpecification(output)
{
    private readonly InMemoryPresenceCluster _cluster = new();

    protected override Task<IPresenceStore> CreateNodeAsync(string nodeId, int maxMemberInfoBytes = 1024) =>
        Task.FromResult<IPresenceStore>(new InMemoryPresenceStore(NodeOptions(nodeId, maxMemberInfoBytes), Time, _cluster));
}
