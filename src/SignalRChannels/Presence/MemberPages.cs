namespace SignalRChannels.Presence;

/// <summary>
/// Cuts a member list into pages in ordinal order of member ids, so a response never lists more than
/// <see cref="PresenceOptions.MaxMembersPerResponse"/> members and a reader can walk the rest by id.
/// </summary>
internal static class MemberPages
{
    /// <summary>The members after <paramref name="after"/>, at most <paramref name="limit"/> of them.</summary>
    public static MembersPage Read(IReadOnlyList<PresenceMember> members, string? after, int limit)
    {
        var sorted = members.Where(m => after is null || string.CompareOrdinal(m.Id, after) > 0)
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();
        if (sorted.Count <= limit)
        {
            return new MembersPage { Members = sorted };
        }

        sorted.RemoveAt(limit);
        return new MembersPage { Members = sorted, Next = sorted[^1].Id };
    }
}
