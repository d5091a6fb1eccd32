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
        var matched = _variableParts > 1
            ? MatchLinear(name, start, captured)
            : Match(name, start, 0, captured);
        if (!matched)
        {
            return false;
        }

        values = captured ?? s_empty;
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static readonly IReadOnlyDictionary<string, string> s_empty = new Dictionary<string, string>();

    /// <summary>At most one variable part: plain matching, whose single loop tries each end position once.</summary>
    private bool Match(string name, int position, int partIndex, Dictionary<string, string>? captured)
    {
        if (partIndex == _parts.Length)
        {
            return position == name.Length;
        }

        var part = _parts[partIndex];
        if (part.Kind == PartKind.Literal)
        {
            return name.Length - position >= part.Text.Length
                && string.CompareOrdinal(name, position, part.Text, 0, part.Text.Length) == 0
                && Match(name, position + part.Text.Length, partIndex + 1, captured);
        }

        var end = part.Kind == PartKind.Parameter ? SegmentEnd(name, position) : name.Length;
        for (var stop = end; stop > position; stop--)
        {
            if (Match(name, stop, partIndex + 1, captured))
            {
                if (part.Kind == PartKind.Parameter)
                {
                    captured![part.Text] = name[position..stop];
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Several variable parts: a table of which positions each remaining run of parts can finish from, filled from the
    /// last part backwards, costs O(name length × parts) whatever the name — a hostile name cannot make matching
    /// super-linear. Captures are then read forwards, each variable part taking the longest span that can still
    /// finish, as the plain matcher does.
    /// </summary>
    private bool MatchLinear(string name, int start, Dictionary<string, string>? captured)
    {
        var width = name.Length + 1;
        var size = (_parts.Length + 1) * width;
        var rented = size > 2048 ? System.Buffers.ArrayPool<bool>.Shared.Rent(size) : null;
        var finish = rented is null ? stackalloc bool[size] : rented.AsSpan(0, size);
        finish.Clear();
        try
        {
            finish[(_parts.Length * width) + name.Length] = true;
            for (var i = _parts.Length - 1; i >= 0; i--)
            {
                var next = finish.Slice((i + 1) * width, width);
                var here = finish.Slice(i * width, width);
                var part = _parts[i];
                switch (part.Kind)
                {
                    case PartKind.Literal:
                        for (var p = start; p + part.Text.Length <= name.Length; p++)
                        {
                            here[p] = next[p + part.Text.Length] && string.CompareOrdinal(name, p, part.Text, 0, part.Text.Length) == 0;
                        }

                        break;
                    case PartKind.Wildcard:
                        // One or more characters: finishable from p when the next part can finish from any q > p.
                        var anyAfter = false;
                        for (var p = name.Length; p >= start; p--)
                        {
                            here[p] = anyAfter;
                            anyAfter |= next[p];
                        }

                        break;
                    default:
                        // One or more characters up to the next dot: the nearest q > p the next part finishes from
                        // must lie within p's segment.
                        var nearest = int.MaxValue;
                        var dot = name.Length;
                        for (var p = name.Length; p >= start; p--)
                        {
                            if (p < name.Length && name[p] == '.')
                            {
                                dot = p;
                            }

                            here[p] = nearest <= dot;
                            if (next[p])
                            {
                                nearest = p;
                            }
                        }

                        break;
                }
            }

            if (!finish[start])
            {
                return false;
            }

            if (captured is not null)
            {
                Capture(name, start, finish, width, captured);
            }

            return true;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<bool>.Shared.Return(rented);
            }
        }
    }

    private void Capture(string name, int position, ReadOnlySpan<bool> finish, int width, Dictionary<string, string> captured)
    {
        for (var i = 0; i < _parts.Length; i++)
        {
            var part = _parts[i];
            if (part.Kind == PartKind.Literal)
            {
                position += part.Text.Length;
                continue;
            }

            var next = finish.Slice((i + 1) * width, width);
            var stop = part.Kind == PartKind.Parameter ? SegmentEnd(name, position) : name.Length;
            while (!next[stop])
            {
                stop--;
            }

            if (part.Kind == PartKind.Parameter)
            {
                captured[part.Text] = name[position..stop];
            }

            position = stop;
        }
    }

    private static int SegmentEnd(string name, int position)
    {
        var end = name.IndexOf('.', position);
        return end < 0 ? name.Length : end;
    }

    private enum PartKind
    {
        Literal,
        Parameter,
        Wildcard,
    }

    private readonly record struct Part(PartKind Kind, string Text);
}
