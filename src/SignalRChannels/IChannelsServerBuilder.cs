using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels;

/// <summary>
/// The SignalR server builder after <c>AddChannels()</c>; channel add-ons such as <c>AddRedis()</c> chain off it.
/// </summary>
public interface IChannelsServerBuilder : ISignalRServerBuilder
{
}
