using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// Real ASP.NET Core authentication for tests: a <see cref="TestUser.Token"/> in an <c>Authorization</c> header
/// (<c>Bearer &lt;token&gt;</c>, as the .NET client's <c>AccessTokenProvider</c> sends it, or <c>Test &lt;token&gt;</c>)
/// or in the <c>access_token</c> query string (as browsers send it on WebSockets) becomes the request's user.
/// No token: anonymous. A malformed token: authentication fails.
/// </summary>
public sealed class TestAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    /// <summary>Registers the scheme as the default one; use from <see cref="ChannelsTestServerOptions.ConfigureBuilder"/>.</summary>
    public static void AddTo(WebApplicationBuilder builder) =>
        builder.Services.AddAuthentication(SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(SchemeName, configureOptions: null);

    /// <summary>Adds the middleware; use from <see cref="ChannelsTestServerOptions.ConfigureApp"/>.</summary>
    public static void UseIn(WebApplication app) => app.UseAuthentication();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = TokenOf(Request);
        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(TestUser.TryParseToken(token, out var user)
            ? AuthenticateResult.Success(new AuthenticationTicket(user!.ToPrincipal(SchemeName), SchemeName))
            : AuthenticateResult.Fail("The test token is not '<id>;<name>;<roles>'."));
    }

    private static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        foreach (var scheme in new[] { "Bearer ", SchemeName + " " })
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return header[scheme.Length..];
            }
        }

        return request.Query.TryGetValue("access_token", out var query) && query.Count > 0 ? query[0] : null;
    }
}
