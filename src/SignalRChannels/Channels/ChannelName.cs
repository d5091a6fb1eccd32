using System.Diagnostics.CodeAnalysis;

namespace SignalRChannels;

/// <summary>
/// A validated channel name, with its <see cref="ChannelKind"/> parsed from the prefix
/// (<c>private-</c>, <c>presence-</c>, else public).
/// </summary>
/// <remarks>
/// Valid names are 1 to <see cref="DefaultMaxLength"/> characters (configurable) from <c>[A-Za-z0-9_\-=@,.;]</c>.
/// A kind prefix must be lower case and must be followed by at least one character; a case variant of a
/// prefix (<c>Private-x</c>) is rejected rather than silently treated as a public channel.
/// </remarks>
public readonly struct ChannelName : IEquatable<ChannelName>
{
    /// <summary>The prefix of private channel names.</summary>
    public const string PrivatePrefix = ChannelNameRules.PrivatePrefix;

    /// <summary>The prefix of presence channel names.</summary>
    public const string PresencePrefix = ChannelNameRules.PresencePrefix;

    /// <summary>The default maximum length of a channel name, prefix included: 200.</summary>
    public const int DefaultMaxLength = 200;

    private ChannelName(string value, ChannelKind kind)
    {
        Value = value;
        Kind = kind;
    }

    /// <summary>The full channel name, prefix included, for example <c>private-orders.42</c>.</summary>
    public string Value { get; }

    /// <summary>The kind of the channel.</summary>
    public ChannelKind Kind { get; }

    /// <summary>The name without its kind prefix, for example <c>orders.42</c>. Routes and patterns match this.</summary>
    public string Name => Value.Substring(PrefixLength);

    /// <summary>The length of the kind prefix (0 for public channels).</summary>
    internal int PrefixLength => PrefixLengthOf(Kind);

    /// <summary>Whether the channel needs authorization (private or presence).</summary>
    public bool IsAuthorized => Kind != ChannelKind.Public;

    /// <summary>Parses and validates a channel name.</summary>
    /// <param name="value">The full channel name.</param>
    /// <param name="maxLength">The maximum length; the default is <see cref="DefaultMaxLength"/>.</param>
    /// <exception cref="ArgumentException">The name is not valid; the message says why.</exception>
    public static ChannelName Parse(string value, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, maxLength, out var name, out var error)
            ? name
            : throw new ArgumentException($"'{value}' is not a valid channel name: {error}", nameof(value));
    }

    /// <summary>Parses and validates a channel name without throwing.</summary>
    /// <param name="value">The full channel name.</param>
    /// <param name="maxLength">The maximum length.</param>
    /// <param name="name">The parsed name, when valid.</param>
    /// <param name="error">Why the name is not valid, when it is not.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool TryParse(
        [NotNullWhen(true)] string? value,
        int maxLength,
        out ChannelName name,
        [NotNullWhen(false)] out string? error)
    {
        name = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "the name is empty";
            return false;
        }

        if (value.Length > maxLength)
        {
            error = $"the name is longer than {maxLength} characters";
            return false;
        }

        foreach (var c in value)
        {
            if (!ChannelNameRules.IsValidChar(c))
            {
                error = "the name may only contain A-Z, a-z, 0-9 and _ - = @ , . ;";
                return false;
            }
        }

        var kind = KindOf(value);
        if (kind == ChannelKind.Public && HasPrefixIgnoringCase(value))
        {
            error = "kind prefixes ('private-', 'presence-') must be lower case";
            return false;
        }

        if (value.Length == PrefixLengthOf(kind) && kind != ChannelKind.Public)
        {
            error = "the name has nothing after its kind prefix";
            return false;
        }

        name = new ChannelName(value, kind);
        error = null;
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(ChannelName other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ChannelName other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Value is null ? 0 : StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc/>
    public override string ToString() => Value ?? string.Empty;

    /// <summary>Compares two names ordinally.</summary>
    public static bool operator ==(ChannelName left, ChannelName right) => left.Equals(right);

    /// <summary>Compares two names ordinally.</summary>
    public static bool operator !=(ChannelName left, ChannelName right) => !left.Equals(right);

    private static ChannelKind KindOf(string value) =>
        value.StartsWith(PrivatePrefix, StringComparison.Ordinal) ? ChannelKind.Private
        : value.StartsWith(PresencePrefix, StringComparison.Ordinal) ? ChannelKind.Presence
        : ChannelKind.Public;

    private static bool HasPrefixIgnoringCase(string value) =>
        value.StartsWith(PrivatePrefix, StringComparison.OrdinalIgnoreCase)
        || value.StartsWith(PresencePrefix, StringComparison.OrdinalIgnoreCase);

    private static int PrefixLengthOf(ChannelKind kind) => kind switch
    {
        ChannelKind.Private => PrivatePrefix.Length,
        ChannelKind.Presence => PresencePrefix.Length,
        _ => 0,
    };
}
