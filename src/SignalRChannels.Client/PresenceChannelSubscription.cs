using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using SignalRChannels.Client.Internal;

namespace SignalRChannels.Client;

/// <summary>
/// A presence channel (<c>presence-…</c>): a private channel that also knows who is in it. A member is a user, not a
/// connection. <see cref="Members"/> follows each subscription result and the <c>member:joined</c> / <c>member:left</c>
/// events. Get one from <see cref="ChannelsClient.Presence"/>.
/// </summary>
public sealed class PresenceChannelSubscription : PrivateChannelSubscription
{
    private ImmutableDictionary<string, PresenceMember> _members = ImmutableDictionary.Create<string, PresenceMember>(StringComparer.Ordinal);

    // Presence events that arrived while a (re)subscription was in flight, and the member ids its result listed.
    private readonly ConditionalWeakTable<ChannelEvent, object> _heldDuringSubscribe = [];
    private ImmutableHashSet<string> _listedBySubscribe = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    private PresenceChannelSubscription(ChannelsClient client, string name)
        : base(client, name)
    {
    }

    /// <summary>Raised when a user joins (their first connection subscribes).</summary>
    public event EventHandler<PresenceMemberEventArgs>? MemberJoined;

    /// <summary>Raised when a user leaves (their last connection goes), with the reason.</summary>
    public event EventHandler<PresenceMemberLeftEventArgs>? MemberLeft;

    /// <summary>
    /// Everyone in the channel now, as far as this client knows: a snapshot, replaced on each (re)subscription and
    /// updated by joins and leaves in the order they were delivered. Empty until subscribed.
    /// </summary>
    public IReadOnlyCollection<PresenceMember> Members => [.. Volatile.Read(ref _members).Values];

    internal static new PresenceChannelSubscription Create(ChannelsClient client, string name) => new(client, name);

    /// <summary>Asks the server for the member list, a page at a time, and replaces <see cref="Members"/> with it.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The members.</returns>
    /// <exception cref="ChannelException"><see cref="ChannelErrorCodes.NotSubscribed"/> before the subscription completed, …</exception>
    public async Task<IReadOnlyCollection<PresenceMember>> GetMembersAsync(CancellationToken cancellationToken = default)
    {
        Replace(await ReadPagesAsync([], after: null, cancellationToken).ConfigureAwait(false));
        return Members;
    }

    private protected override void OnHeldDuringSubscribe(ChannelEvent @event)
    {
        if (@event.Event is EventNames.MemberJoined or EventNames.MemberLeft)
        {
            _heldDuringSubscribe.AddOrUpdate(@event, @event);
        }
    }

    private protected override async ValueTask OnSubscribedAsync(IReadOnlyList<PresenceMember>? members, string? membersNext, CancellationToken cancellationToken)
    {
        _listedBySubscribe = [.. (members ?? []).Select(m => m.Id).OfType<string>()];
        if (membersNext is not null)
        {
            // A long list comes a page at a time. This runs in the dispatch order, so the joins and leaves received
            // while the pages are read are applied after them.
            try
            {
                members = await ReadPagesAsync(members ?? [], membersNext, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The connection went away mid-read: the first page stands until the resubscription reads the list again.
                ChannelsClientLog.MembersIncomplete(Client.Logger, Name, ex.Message);
            }
        }

        Replace(members);
        await base.OnSubscribedAsync(members, membersNext, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the member pages after <paramref name="after"/> (from the first when null) onto <paramref name="first"/>.</summary>
    private async Task<IReadOnlyList<PresenceMember>> ReadPagesAsync(IReadOnlyList<PresenceMember> first, string? after, CancellationToken cancellationToken)
    {
        var members = new List<PresenceMember>(first);
        do
        {
            var options = new MembersPageOptions { After = after };
            var page = await Client.InvokeChannelMethodAsync<MembersPage?>(ChannelHubMethods.GetMembersPage, [Name, options], Name, cancellationToken)
                .ConfigureAwait(false);
            members.AddRange(page?.Members ?? []);
            after = page?.Next;
        }
        while (after is not null);
        return members;
    }

    private protected override void OnUnsubscribed()
    {
        Replace(null);
        base.OnUnsubscribed();
    }

    private protected override async ValueTask<bool> DispatchReservedAsync(ChannelEvent @event, CancellationToken cancellationToken)
    {
        switch (@event.Event)
        {
            case EventNames.MemberJoined when ReadMember(@event.Data, out var member, out _):
                _heldDuringSubscribe.Remove(@event);
                var added = false;
                ImmutableInterlocked.Update(ref _members, members =>
                {
                    added = !members.ContainsKey(member.Id);
                    return members.SetItem(member.Id, member);
                });

                // The subscription result may already have listed a member whose join was in flight.
                if (added)
                {
                    Raise(MemberJoined, new PresenceMemberEventArgs(member), EventNames.MemberJoined);
                }

                return true;
            case EventNames.MemberLeft when ReadMember(@event.Data, out var member, out var reason):
                // The server joins the connection to the channel before it reads the member list, so a leave published
                // just before that read can arrive ahead of the result, which already reflects it: a user reloading gets
                // the leave of their own old connection, then a list with themselves in it. Such a held leave of
                // someone the list names is stale and dropped. Held joins are applied (a join after the read is not listed).
                if (_heldDuringSubscribe.Remove(@event) && _listedBySubscribe.Contains(member.Id))
                {
                    return true;
                }

                if (ImmutableInterlocked.TryRemove(ref _members, member.Id, out var known))
                {
                    Raise(MemberLeft, new PresenceMemberLeftEventArgs(member.Info.ValueKind == JsonValueKind.Undefined ? known : member, reason ?? "left"), EventNames.MemberLeft);
                }

                return true;
            case EventNames.MemberJoined or EventNames.MemberLeft:
                ChannelsClientLog.MalformedEvent(Client.Logger);
                return true;
            default:
                return await base.DispatchReservedAsync(@event, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Replace(IReadOnlyList<PresenceMember>? members)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, PresenceMember>(StringComparer.Ordinal);
        foreach (var member in members ?? [])
        {
            if (!string.IsNullOrEmpty(member.Id))
            {
                builder[member.Id] = member;
            }
        }

        Volatile.Write(ref _members, builder.ToImmutable());
    }

    private static bool ReadMember(JsonElement data, out PresenceMember member, out string? reason)
    {
        member = null!;
        reason = null;
        if (data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
            || string.IsNullOrEmpty(id.GetString()))
        {
            return false;
        }

        var info = data.TryGetProperty("info", out var i) ? i.Clone() : default;
        if (data.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String)
        {
            reason = r.GetString();
        }

        member = new PresenceMember(id.GetString()!, info);
        return true;
    }
}
