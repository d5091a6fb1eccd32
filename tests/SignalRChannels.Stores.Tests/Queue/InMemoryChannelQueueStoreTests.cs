using SignalRChannels.Queue.Internal;
using SignalRChannels.Specification.Tests.Queue;

namespace SignalRChannels.Stores.Tests.Queue;

/// <summary>The queue contract on the in-memory store.</summary>
public sealed class InMemoryChannelQueueStoreTests : ChannelQueueStoreSpecification
{
    protected override IChannelQueueStore Store { get; } =
        new InMemoryChannelQueueStore(Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System);
}
