using System.Diagnostics.CodeAnalysis;

namespace SignalRChannels;

/// <summary>
/// A channel pattern, as used by authorization routes, history, whisper settings and revocation.
/// </summary>
/// <remarks>
/// Patterns match the channel name without its kind prefix: <c>chat.*</c> covers <c>chat.1</c>,
/// <c>private-chat.1</c> and <c>presence-chat.1</c>. A pattern that starts with a kind prefix
/// (<c>private-chat.*</c>) matches that kind only. <c>*</c> matches any run of characters (dots included);
/// <c>{name}</c> matches one dot-free segment and captures it as a route parameter.
/// </remarks>
public sealed class ChannelPattern
{
    private readonly Part[] _parts;
    private readonly int _variableParts;

    private ChannelPattern(string text, ChannelKind? kind, Part[] parts, IReadOnlyList<string> parameterNames)
    {
        Text = text;
        Kind = kind;
        _parts = parts;
        _variableParts = parts.Count(p => p.Kind != PartKind.Literal);
        ParameterNames = parameterNames;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>The only kind this pattern matches, or <see langword="null"/> for every kind.</summary>
    public ChannelKind? Kind { get; }

    /// <summary>The names of the <c>{name}</c> parameters, in order.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Parses a pattern.</summary>
    /// <param name="pattern">The pattern, for example <c>orders.{orderId}</c> or <c>chat.*</c>.</param>
    /// <returns>The parsed pattern.</returns>
    /// <exception cref="ArgumentException">The pattern is malformed.</exception>
    public static ChannelPattern Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ChannelKind? kind = null;
        var rest = pattern;
        if (rest.StartsWith(ChannelName.PrivatePrefix, StringComparison.Ordinal))
        {
            kind = ChannelKind.Private;
            rest = rest[ChannelName.PrivatePrefix.Length..];
        }
        else if (rest.StartsWith(ChannelName.PresencePrefix, StringComparison.Ordinal))
        {
            kind = ChannelKind.Presence;
            rest = rest[ChannelName.PresencePrefix.Length..];
        }

        var parts = new List<Part>();
        var names = new List<string>();
        var literal = new System.Text.StringBuilder();
        for (var i = 0; i < rest.Length; i++)
        {
            var c = rest[i];
            if (c == '*' || c == '{')
            {
                if (literal.Length > 0)
                {
                    parts.Add(new Part(PartKind.Literal, literal.ToString()));
                    literal.Clear();
                }

                if (parts.Count > 0 && parts[^1].Kind != PartKind.Literal)
                {
                    throw new ArgumentException($"Pattern '{pattern}' has two wildcards or parameters in a row.", nameof(pattern));
                }

                if (c == '*')
                {
                    parts.Add(new Part(PartKind.Wildcard, "*"));
                    continue;
                }

                var end = rest.IndexOf('}', i);
                var name = end < 0 ? string.Empty : rest[(i + 1)..end];
                if (name.Length == 0 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
                {
                    throw new ArgumentException($"Pattern '{pattern}' has a malformed parameter; use {{name}}.", nameof(pattern));
                }

                if (names.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"Pattern '{pattern}' names parameter '{name}' twice.", nameof(pattern));
                }

                names.Add(name);
                parts.Add(new Part(PartKind.Parameter, name));
                i = end;
            }
            else if (ChannelNameRules.IsValidChar(c))
            {
                literal.Append(c);
            }
            else
            {
                throw new ArgumentException($"Pattern '{pattern}' contains '{c}', which no channel name can contain.", nameof(pattern));
            }
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(PartKind.Literal, literal.ToString()));
        }

        if (parts.Count == 0)
        {
            throw new ArgumentException($"Pattern '{pattern}' is empty after its kind prefix.", nameof(pattern));
        }

        return new ChannelPattern(pattern, kind, parts.ToArray(), names);
    }

    /// <summary>Whether the pattern matches a channel.</summary>
    /// <param name="channel">The channel.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool IsMatch(ChannelName channel) => TryMatch(channel, out _);

    /// <summary>Matches a channel and captures the parameter values.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="values">The parameter values by name, when it matches.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool TryMatch(ChannelName channel, [NotNullWhen(true)] out IReadOnlyDictionary<string, string>? values)
    {
        values = null;
        if (Kind is { } kind && kind != channel.Kind)
        {
            return false;
        }

        var captured = ParameterNames.Count == 0 ? null : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // Match the full name from past its kind prefix: no substring per match (history lookups run per publish).
        var name = channel.Value;
        var start = channel.PrefixLength;

        // Several variable parts could backtrack exponentially; remember the (position, part) pairs that failed.
        var failed = _variableParts > 1 ? new HashSet<(int, int)>() : null;
        if (!Match(name, start, 0, captured, failed))
        {
            return false;
        }

        values = captured ?? s_empty;
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static readonly IReadOnlyDictionary<string, string> s_empty = new Dictionary<string, string>();

    private bool Match(string name, int position, int partIndex, Dictionary<string, string>? captured, HashSet<(int, int)>? failed)
    {
        if (partIndex == _parts.Length)
        {
            return position == name.Length;
        }

        if (failed is not null && failed.Contains((position, partIndex)))
        {
            return false;
        }

        var matched = MatchPart(name, position, partIndex, captured, failed);
        if (!matched)
        {
            failed?.Add((position, partIndex));
        }

        return matched;
    }

    private bool MatchPart(string name, int position, int partIndex, Dictionary<string, string>? captured, HashSet<(int, int)>? failed)
    {
        var part = _parts[partIndex];
        switch (part.Kind)
        {
            case PartKind.Literal:
                return string.CompareOrdinal(name, position, part.Text, 0, part.Text.Length) == 0
                    && name.Length - position >= part.Text.Length
                    && Match(name, position + part.Text.Length, partIndex + 1, captured, failed);
            case PartKind.Parameter:
                // One or more characters up to the next dot; backtrack over shorter captures for trailing literals.
                var end = name.IndexOf('.', position);
                end = end < 0 ? name.Length : end;
                for (var stop = end; stop > position; stop--)
                {
                    if (Match(name, stop, partIndex + 1, captured, failed))
                    {
                        captured![part.Text] = name[position..stop];
                        return true;
                    }
                }

                return false;
            default:
                for (var stop = name.Length; stop > position; stop--)
                {
                    if (Match(name, stop, partIndex + 1, captured, failed))
                    {
                        return true;
                    }
                }

                return false;
        }
    }

    private enum PartKind
    {
        Literal,
        Parameter,
        Wildcard,
    }

    private readonly record struct Part(PartKind Kind, string Text);
}
