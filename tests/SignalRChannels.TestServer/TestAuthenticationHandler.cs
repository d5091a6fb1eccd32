using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SignalRChannels.TestServer;

/// <summary>
/// Signs a request in from a token <c>userId;displayName</c> or <c>userId;displayName;role1,role2</c>, read from the
/// <c>access_token</c> query parameter (browsers' WebSockets and SSE), an <c>Authorization: Bearer</c> header
/// (negotiate, long polling, WebSockets in Node) or the <c>test-token</c> cookie (a page such as the dashboard, whose
/// requests and hub connection carry the browser's cookies). No token means anonymous, which the server allows.
/// </summary>
internal sealed class TestAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Request.Query["access_token"].ToString();
        if (token.Length == 0)
        {
            var header = Request.Headers.Authorization.ToString();
            if (header.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                token = header["Bearer ".Length..].Trim();
            }
        }

        if (token.Length == 0)
        {
            token = Request.Cookies["test-token"] ?? string.Empty;
        }

        if (token.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var parts = token.Split(';', 3);
        var userId = parts[0];
        var name = parts.Length > 1 ? parts[1] : token;
        var roles = parts.Length > 2 ? parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        if (userId.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("The token has no user id."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Name, name), .. roles.Select(role => new Claim(ClaimTypes.Role, role))],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
