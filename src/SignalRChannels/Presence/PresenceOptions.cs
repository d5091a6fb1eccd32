using System.ComponentModel.DataAnnotations;

namespace SignalRChannels;

/// <summary>
/// Options of cluster-wide presence: node leases and member limits. Validated at start-up
/// (<see cref="HeartbeatInterval"/> must be shorter than <see cref="MemberTimeout"/>).
/// </summary>
public sealed class PresenceOptions : IValidatableObject
{
    /// <summary>
    /// How long a node's members outlive its last heartbeat: after this, another node sweeps them and raises
    /// <c>member:left</c> with reason <c>timeout</c>. Node clocks must agree to well within
    /// <c>MemberTimeout - HeartbeatInterval</c>. The default is 10 seconds: a crashed node's members are gone
    /// within <c>MemberTimeout + HeartbeatInterval</c> (13 seconds), while a live node may miss two renewals in a row.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.002", "1.00:00:00")]
    public TimeSpan MemberTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a node renews its lease and sweeps dead nodes; must be shorter than <see cref="MemberTimeout"/>.
    /// The cost is two Redis commands per node per interval, whatever the number of connections. The default is 3 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The id of this node, unique in the cluster, at most 128 characters. The default is a new random id per
    /// process, so a restarted node never inherits its previous incarnation's connections (those are swept).
    /// </summary>
    [Required]
    [StringLength(128, MinimumLength = 1)]
    public string NodeId { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>The maximum size of a member's info, as UTF-8 JSON. The default is 1 KiB (1,024 bytes).</summary>
    [Range(16, 1024 * 1024)]
    public int MaxMemberInfoBytes { get; set; } = 1024;

    /// <summary>
    /// The most members one response lists: <c>GetMembers</c>, a page of <c>GetMembersPage</c>, the <c>members</c> of a
    /// subscribe result (which then says where the rest starts). With <see cref="MaxMemberInfoBytes"/> this bounds the
    /// bytes a small request can make the server send. The default is 100.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxMembersPerResponse { get; set; } = 100;

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MemberTimeout <= HeartbeatInterval)
        {
            yield return new ValidationResult(
                $"{nameof(MemberTimeout)} ({MemberTimeout}) must be longer than {nameof(HeartbeatInterval)} ({HeartbeatInterval}).",
                [nameof(MemberTimeout)]);
        }

        if (NodeId is not null && (string.IsNullOrWhiteSpace(NodeId) || NodeId.Any(char.IsControl)))
        {
            yield return new ValidationResult($"{nameof(NodeId)} must not be blank or contain control characters.", [nameof(NodeId)]);
        }
    }
}
