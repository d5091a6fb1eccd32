using System.Text.Json.Serialization;

namespace SignalRChannels;

/// <summary>
/// A command every node applies to its own connections, carried by an <see cref="IChannelCommandBus"/>.
/// Today the commands are revocations (<see cref="RevokeUser"/>, <see cref="RevokeConnection"/>); later
/// versions may add kinds, and nodes ignore kinds they do not know.
/// </summary>
/// <param name="Kind">What to do, for example <see cref="RevokeUser"/>.</param>
/// <param name="Target">Whom it concerns: a user id or a connection id.</param>
/// <param name="Pattern">The channel pattern it applies to.</param>
public sealed record ChannelCommand(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("pattern")] string Pattern)
{
    /// <summary>Remove a user's subscriptions (all their connections) to channels that match <see cref="Pattern"/>.</summary>
    public const string RevokeUser = "revoke-user";

    /// <summary>Remove one connection's subscriptions to channels that match <see cref="Pattern"/>.</summary>
    public const string RevokeConnection = "revoke-connection";
}
