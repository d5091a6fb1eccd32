using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace SignalRChannels;

/// <summary>
/// The base of a typed channel record (see <see cref="ChannelAttribute"/>): its <see cref="Name"/> is the template with
/// each placeholder replaced by the property of the same name, so the name is written once, in the attribute, and the
/// TypeScript generator gives the SPA the same helper. Converts to <see cref="string"/> wherever a channel name is
/// expected: <c>broadcaster.Channel(new OrderChannel(42))</c>.
/// </summary>
public abstract record TypedChannel
{
    private static readonly ConcurrentDictionary<Type, Func<TypedChannel, string>> s_formatters = new();

    /// <summary>The full channel name, for example <c>private-orders.42</c>.</summary>
    public string Name => FormatterFor(GetType())(this);

    /// <summary>The full channel name.</summary>
    /// <param name="channel">The channel.</param>
    public static implicit operator string(TypedChannel channel) => channel?.Name ?? throw new ArgumentNullException(nameof(channel));

    /// <summary>The full channel name.</summary>
    /// <returns><see cref="Name"/>.</returns>
    public sealed override string ToString() => Name;

    /// <summary>The name formatter of a typed channel type; throws when its declaration is incomplete.</summary>
    internal static Func<TypedChannel, string> FormatterFor(Type type) => s_formatters.GetOrAdd(type, CreateFormatter);

    private static Func<TypedChannel, string> CreateFormatter(Type type)
    {
        var template = type.GetCustomAttribute<ChannelAttribute>()?.Template
            ?? throw new InvalidOperationException($"{type.Name} derives from TypedChannel but has no [Channel(\"…\")] attribute.");
        var pattern = ChannelPattern.Parse(template);
        // In template order (ParameterNames are in the order they appear).
        var getters = pattern.ParameterNames.Select(name => (Parameter: name, Property: type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
            ?? throw new InvalidOperationException($"{type.Name}: the placeholder {{{name}}} of '{template}' names no public property."))).ToArray();
        return channel =>
        {
            var name = new StringBuilder(template.Length + 16);
            var at = 0;
            foreach (var (parameter, property) in getters)
            {
                var placeholder = "{" + parameter + "}";
                var index = template.IndexOf(placeholder, at, StringComparison.Ordinal);
                name.Append(template, at, index - at);
                name.Append(Convert.ToString(property.GetValue(channel), CultureInfo.InvariantCulture));
                at = index + placeholder.Length;
            }

            return name.Append(template, at, template.Length - at).ToString();
        };
    }
}
