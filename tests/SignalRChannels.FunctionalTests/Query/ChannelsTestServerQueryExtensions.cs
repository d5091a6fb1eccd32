using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.FunctionalTests.Infrastructure;

namespace SignalRChannels.FunctionalTests.Query;

internal static class ChannelsTestServerQueryExtensions
{
    public static IChannelsQuery Query(this ChannelsTestServer server) => server.Services.GetRequiredService<IChannelsQuery>();
}
