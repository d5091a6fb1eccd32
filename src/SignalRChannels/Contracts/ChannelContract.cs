using System.Reflection;

namespace SignalRChannels.Contracts;

/// <summary>What one <see cref="ChannelAttribute"/> declaration says, read from the app's types at start-up.</summary>
internal sealed class ChannelContract
{
    private ChannelContract(Type type, ChannelPattern pattern, IReadOnlyDictionary<string, Type> events, IReadOnlyDictionary<string, Type> whispers)
    {
        Type = type;
        Pattern = pattern;
        Events = events;
        Whispers = whispers;
    }

    public Type Type { get; }

    public ChannelPattern Pattern { get; }

    /// <summary>The kind the template's prefix names; a template without one names public channels only.</summary>
    public ChannelKind Kind => Pattern.Kind ?? ChannelKind.Public;

    public bool Matches(ChannelName channel) => channel.Kind == Kind && Pattern.IsMatch(channel);

    /// <summary>Event name → payload type.</summary>
    public IReadOnlyDictionary<string, Type> Events { get; }

    /// <summary>Whisper name (without <c>client-</c>) → payload type.</summary>
    public IReadOnlyDictionary<string, Type> Whispers { get; }

    /// <summary>Every typed channel declared in <paramref name="assembly"/>.</summary>
    public static IEnumerable<ChannelContract> FromAssembly(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<ChannelAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(From);

    public static ChannelContract From(Type type)
    {
        var channel = type.GetCustomAttribute<ChannelAttribute>()
            ?? throw new ArgumentException($"{type.Name} has no [Channel] attribute.", nameof(type));
        var pattern = ChannelPattern.Parse(channel.Template);

        var events = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var declared in type.GetCustomAttributes<BroadcastsAttribute>())
        {
            var name = declared.Name ?? declared.Payload.Name;
            if (!events.TryAdd(name, declared.Payload))
            {
                throw new InvalidOperationException($"{type.Name} declares the event '{name}' twice.");
            }
        }

        var whispers = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var declared in type.GetCustomAttributes<WhispersAttribute>())
        {
            var name = declared.Name ?? WhisperName(declared.Payload);
            if (!whispers.TryAdd(name, declared.Payload))
            {
                throw new InvalidOperationException($"{type.Name} declares the whisper '{name}' twice.");
            }
        }

        return new ChannelContract(type, pattern, events, whispers);
    }

    /// <summary>The default whisper name: the type name with a lower-case first letter (<c>Typing</c> → <c>typing</c>).</summary>
    public static string WhisperName(Type payload) => char.ToLowerInvariant(payload.Name[0]) + payload.Name[1..];
}
