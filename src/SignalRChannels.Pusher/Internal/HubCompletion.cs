using System.Text.Json;

namespace SignalRChannels.Pusher.Internal;

/// <summary>The completion of a hub invocation made by the Pusher bridge: its result, or a coded error.</summary>
internal readonly record struct HubCompletion(JsonElement Result, string? Error);
