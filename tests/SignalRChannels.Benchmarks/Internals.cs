using System.Reflection;
using System.Text.Json;

namespace SignalRChannels.Benchmarks;

/// <summary>
/// Delegates bound once, by reflection, to internal hot paths of the library, so they can be measured without
/// opening src/ to this project. A delegate call adds about a nanosecond.
/// </summary>
internal static class Internals
{
    private static readonly Assembly s_library = typeof(ChannelName).Assembly;

    /// <summary><c>EventPayload.FromServer(value, options, maxBytes)</c>: a publish's payload to canonical form.</summary>
    public static readonly Func<object?, JsonSerializerOptions, int, JsonElement> FromServer =
        Method("SignalRChannels.Internal.EventPayload", "FromServer", typeof(object), typeof(JsonSerializerOptions), typeof(int)).CreateDelegate<Func<object?, JsonSerializerOptions, int, JsonElement>>();

    /// <summary><c>ChannelGroups.For(channel)</c>: the SignalR group of a channel.</summary>
    public static readonly Func<ChannelName, string> GroupOf =
        Method("SignalRChannels.Internal.ChannelGroups", "For", typeof(ChannelName)).CreateDelegate<Func<ChannelName, string>>();

    private static MethodInfo Method(string type, string name, params Type[] parameters) =>
        s_library.GetType(type, throwOnError: true)!.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, parameters)
        ?? throw new MissingMethodException(type, name);
}
