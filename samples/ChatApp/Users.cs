using System.Security.Claims;
using System.Text;

namespace ChatApp;

/// <summary>User ids and the channels named after them.</summary>
internal static class Users
{
    /// <summary>A user's id: the display name, lower-cased and reduced to characters valid in channel names.</summary>
    public static string IdFor(string name)
    {
        var id = new StringBuilder();
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            id.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return id.ToString();
    }

    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);
}

/// <summary>The chat's rooms and their channel names.</summary>
internal static class Rooms
{
    public static readonly string[] All = ["lobby", "dotnet", "random"];

    public static bool Exists(string room) => All.Contains(room, StringComparer.Ordinal);

    public static ChatRoom Channel(string room) =>
        Exists(room)
            ? new ChatRoom(room)
            : throw new Microsoft.AspNetCore.SignalR.HubException("invalid_argument: no such room");
}
