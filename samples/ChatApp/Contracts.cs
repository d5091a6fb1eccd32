using SignalRChannels;

namespace ChatApp;

// The chat's typed channels: what each carries, declared once here. The build writes them as TypeScript into
// client/src/channels.generated.ts (ChatApp.csproj, docs/concepts/typed-contracts.md), so the page's event maps are
// never written by hand; in Development the server also refuses payloads that do not match (Program.cs).

/// <summary>A room: a presence channel whose members are the signed-in users in it.</summary>
[Channel("presence-chat.{room}", MemberInfo = typeof(ChatMember))]
[Broadcasts(typeof(ChatMessage), Name = "message")]
[Whispers(typeof(Typing))]
public sealed record ChatRoom(string Room) : TypedChannel;

/// <summary>A conversation between two users: the same channel for both directions (ids in order).</summary>
[Channel("private-dm.{first}.{second}")]
[Broadcasts(typeof(ChatMessage), Name = "message")]
public sealed record DirectChannel(string First, string Second) : TypedChannel
{
    /// <summary>The conversation of two users, whoever starts it.</summary>
    public static DirectChannel Between(string a, string b) => string.CompareOrdinal(a, b) < 0 ? new(a, b) : new(b, a);
}

/// <summary>A user's inbox: tells them about direct messages in conversations they have not opened yet.</summary>
[Channel("private-user.{id}")]
[Broadcasts(typeof(DirectNotice), Name = "direct")]
public sealed record UserInbox(string Id) : TypedChannel;

/// <summary>A chat message, in a room or a conversation.</summary>
public sealed record ChatMessage(string Id, string UserId, string User, string Text);

/// <summary>What a room shows about each member.</summary>
public sealed record ChatMember(string Name);

/// <summary>The whisper a member's page sends while they type.</summary>
public sealed record Typing(string Name);

/// <summary>A direct message arrived from <paramref name="User"/>.</summary>
public sealed record DirectNotice(string UserId, string User);
