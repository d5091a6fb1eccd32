using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.Authorization;

/// <summary>
/// Decides whether a connection may subscribe to a channel. Public channels are open; private and
/// presence channels are denied unless a route matches and allows (deny by default).
/// </summary>
internal sealed class ChannelAuthorizer
{
    public ValueTask<ChannelAuthorizationResult> AuthorizeAsync(HubCallerContext caller, ChannelName channel, CancellationToken cancellationToken)
    {
        _ = caller;
        _ = cancellationToken;
        return channel.Kind == ChannelKind.Public
            ? ValueTask.FromResult(ChannelAuthorizationResult.Allowed(member: null))
            : ValueTask.FromResult(ChannelAuthorizationResult.Denied("no authorization route matches the channel"));
    }
}

/// <summary>The outcome of authorizing a subscription.</summary>
internal readonly record struct ChannelAuthorizationResult(bool IsAllowed, PresenceMember? Member, string? Reason)
{
    public static ChannelAuthorizationResult Allowed(PresenceMember? member) => new(true, member, null);

    public static ChannelAuthorizationResult Denied(string reason) => new(false, null, reason);
}
