using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace SignalRChannels.Api;

/// <summary>
/// The reads of the HTTP API, answered by <see cref="IChannelsQuery"/> (cluster-wide with Redis) in Pusher's shapes:
/// <c>{"channels": {name: {attributes}}}</c>, <c>{"occupied", "user_count", "subscription_count"}</c>, <c>{"users": [{"id"}]}</c>.
/// </summary>
internal static class ChannelsApiQueries
{
    private const string UserCount = "user_count";
    private const string SubscriptionCount = "subscription_count";
    private const string PresencePrefix = "presence-";
    private const int MaxQueryValueLength = 256;

    public static async Task<IResult> ChannelsAsync(HttpContext http, IChannelNamespace names)
    {
        if (!TryAttributes(http, out var userCount, out var subscriptionCount, out var refusal)
            || !TryQueryValue(http, "filter_by_prefix", out var prefix, out refusal))
        {
            return refusal!;
        }

        if (userCount && !(prefix ?? string.Empty).StartsWith(PresencePrefix, StringComparison.Ordinal))
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, "info=user_count needs filter_by_prefix=presence-");
        }

        var services = http.RequestServices;
        var occupied = await services.GetRequiredService<IChannelsQuery>().GetOccupiedChannelsAsync(null, http.RequestAborted).ConfigureAwait(false);
        var listed = new List<(string Name, ChannelOccupancy Occupancy)>();
        foreach (var channel in occupied)
        {
            if (names.ToExternal(channel.Channel) is { } name && name.StartsWith(prefix ?? string.Empty, StringComparison.Ordinal))
            {
                listed.Add((name, channel));
            }
        }

        var presence = services.GetRequiredService<IPresenceStore>();
        var userCounts = userCount
            ? await Task.WhenAll(listed.Select(c => presence.GetMemberCountAsync(ChannelName.Parse(c.Occupancy.Channel, int.MaxValue), http.RequestAborted).AsTask())).ConfigureAwait(false)
            : null;
        var channels = new Dictionary<string, Dictionary<string, object>>(StringComparer.Ordinal);
        for (var i = 0; i < listed.Count; i++)
        {
            var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
            if (userCounts is not null)
            {
                attributes[UserCount] = userCounts[i];
            }

            if (subscriptionCount)
            {
                attributes[SubscriptionCount] = listed[i].Occupancy.SubscriptionCount;
            }

            channels[listed[i].Name] = attributes;
        }

        return Results.Json(new { channels });
    }

    public static async Task<IResult> ChannelAsync(HttpContext http, IChannelNamespace names, string channel)
    {
        if (!names.TryToCore(channel, out var name, out var error))
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidChannel, error!);
        }

        if (!TryAttributes(http, out var userCount, out var subscriptionCount, out var refusal))
        {
            return refusal!;
        }

        if (userCount && name.Kind != ChannelKind.Presence)
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.NotPresence, "user_count is available for presence channels only");
        }

        var occupancy = await http.RequestServices.GetRequiredService<IChannelsQuery>().GetChannelAsync(name, http.RequestAborted).ConfigureAwait(false);
        var answer = new Dictionary<string, object>(StringComparer.Ordinal) { ["occupied"] = occupancy.Occupied };
        if (userCount)
        {
            answer[UserCount] = occupancy.UserCount ?? 0;
        }

        if (subscriptionCount)
        {
            answer[SubscriptionCount] = occupancy.SubscriptionCount;
        }

        return Results.Json(answer);
    }

    public static async Task<IResult> UsersAsync(HttpContext http, IChannelNamespace names, string channel)
    {
        if (!names.TryToCore(channel, out var name, out var error))
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidChannel, error!);
        }

        if (name.Kind != ChannelKind.Presence)
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.NotPresence, "users are listed for presence channels only");
        }

        var members = await http.RequestServices.GetRequiredService<IChannelsQuery>().GetMembersAsync(name, http.RequestAborted).ConfigureAwait(false);
        return Results.Json(new { users = members.Select(m => new { id = m.Id }) });
    }

    /// <summary>The <c>info</c> attributes asked for: a comma-separated list of <c>user_count</c> and <c>subscription_count</c>.</summary>
    private static bool TryAttributes(HttpContext http, out bool userCount, out bool subscriptionCount, out IResult? refusal)
    {
        userCount = subscriptionCount = false;
        if (!TryQueryValue(http, "info", out var info, out refusal))
        {
            return false;
        }

        foreach (var attribute in (info ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (attribute)
            {
                case UserCount:
                    userCount = true;
                    break;
                case SubscriptionCount:
                    subscriptionCount = true;
                    break;
                default:
                    refusal = ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, "info takes user_count and subscription_count, comma-separated");
                    return false;
            }
        }

        return true;
    }

    /// <summary>A query parameter given at most once and at most 256 characters long.</summary>
    private static bool TryQueryValue(HttpContext http, string key, out string? value, out IResult? refusal)
    {
        var values = http.Request.Query.TryGetValue(key, out var found) ? found : StringValues.Empty;
        value = values.Count == 1 ? values[0] : null;
        refusal = values.Count > 1 || value?.Length > MaxQueryValueLength
            ? ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, $"{key} must be given once, at most {MaxQueryValueLength} characters")
            : null;
        return refusal is null;
    }
}
