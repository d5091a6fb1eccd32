using System.Linq.Expressions;
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

    /// <summary>
    /// <c>EventPayload.FromServer(value, options, maxBytes).Utf8</c>: a publish's payload to canonical form (UTF-8
    /// JSON). Compiled as an expression, which may call the internal struct's members.
    /// </summary>
    public static readonly Func<object?, JsonSerializerOptions, int, byte[]?> FromServer = CompileFromServer();

    /// <summary><c>ChannelGroups.For(channel)</c>: the SignalR group of a channel.</summary>
    public static readonly Func<ChannelName, string> GroupOf =
        Method("SignalRChannels.Internal.ChannelGroups", "For", typeof(ChannelName)).CreateDelegate<Func<ChannelName, string>>();

    private static Func<object?, JsonSerializerOptions, int, byte[]?> CompileFromServer()
    {
        var value = Expression.Parameter(typeof(object));
        var options = Expression.Parameter(typeof(JsonSerializerOptions));
        var maxBytes = Expression.Parameter(typeof(int));
        var call = Expression.Call(Method("SignalRChannels.Internal.EventPayload", "FromServer", typeof(object), typeof(JsonSerializerOptions), typeof(int)), value, options, maxBytes);
        return Expression.Lambda<Func<object?, JsonSerializerOptions, int, byte[]?>>(Expression.Property(call, "Utf8"), value, options, maxBytes).Compile();
    }

    private static MethodInfo Method(string type, string name, params Type[] parameters) =>
        s_library.GetType(type, throwOnError: true)!.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, parameters)
        ?? throw new MissingMethodException(type, name);
}
