using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SignalRChannels.LoadTool.Serve;

/// <summary>
/// Load-test sign-in: <c>?user=u42</c> signs the connection in as user <c>u42</c> (presence needs a user id);
/// no parameter means anonymous. Loopback-only tool, never an app's authentication.
/// </summary>
internal sealed class QueryUserAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LoadUser";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Query["user"].ToString();
        if (user.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
