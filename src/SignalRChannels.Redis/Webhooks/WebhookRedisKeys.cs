using StackExchange.Redis;

namespace SignalRChannels.Redis.Webhooks;

/// <summary>
/// Every Redis key of webhooks, in one place: <c>{prefix}:wh:n:{nodeId}</c>, a hash of the events a node has queued and
/// not finished with (field <c>{endpointId}|{eventId}</c>, value the event's JSON). It lives under the node's presence
/// lease: the node whose sweep claims a dead node copies it into its own hash, then deletes it.
/// </summary>
internal static class WebhookRedisKeys
{
    public static RedisKey Outbox(string prefix, string nodeId) => prefix + ":wh:n:" + nodeId;
}
