using System.Security.Claims;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// A user as <see cref="TestAuthenticationHandler"/> authenticates it. Its <see cref="Token"/>
/// (<c>&lt;id&gt;;&lt;name&gt;;&lt;role,role&gt;</c>) is what a client sends as its access token.
/// </summary>
public sealed record TestUser(string Id, string Name, params string[] Roles)
{
    public string Token => $"{Id};{Name};{string.Join(',', Roles)}";

    public static bool TryParseToken(string token, out TestUser? user)
    {
        var parts = token.Split(';');
        user = parts.Length == 3 && parts[0].Length > 0
            ? new TestUser(parts[0], parts[1], parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries))
            : null;
        return user is not null;
    }

    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, Id), new(ClaimTypes.Name, Name) };
        claims.AddRange(Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }

    public override string ToString() => $"{Name} ({Id})";
}
