using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SignalRChannels.TestServer;

/// <summary>
/// Signs a request in from a token <c>userId;displayName</c>, read from the <c>access_token</c> query parameter
/// (browsers' WebSockets and SSE) or an <c>Authorization: Bearer</c> header (negotiate, long polling, WebSockets in
/// Node). No token means anonymous, which the server allows.
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
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var separator = token.IndexOf(';', StringComparison.Ordinal);
        var userId = separator < 0 ? token : token[..separator];
        var name = separator < 0 ? token : token[(separator + 1)..];
        if (userId.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("The token has no user id."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Name, name)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
