using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.Dashboard;

/// <summary>
/// Serves the dashboard page and its two assets from resources embedded in this assembly (nothing from a CDN). The
/// page is rendered with the dashboard's base path and the channel hub's path; the page connects to that hub with the
/// request's cookies and subscribes to <see cref="DashboardChannel"/>.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>Only this page's own files, its connection to the hub on the same host, and no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly ConcurrentDictionary<string, Asset> s_assets = new(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder group, string? hubPath)
    {
        string? discovered = null;
        var page = (HttpContext http) =>
        {
            var hub = hubPath ?? (discovered ??= FindChannelHub(http.RequestServices));
            return RenderPage(http, hub);
        };
        group.MapGet(string.Empty, page);
        group.MapGet("/dashboard.js", (HttpContext http) => Serve(http, "dashboard.js", "text/javascript; charset=utf-8"));
        group.MapGet("/dashboard.css", (HttpContext http) => Serve(http, "dashboard.css", "text/css; charset=utf-8"));
    }

    private static IResult RenderPage(HttpContext http, string hubPath)
    {
        var basePath = http.Request.PathBase.Add(new PathString(http.Request.Path.Value!.TrimEnd('/'))).Value!;
        var html = Encoding.UTF8.GetString(Load("index.html").Content)
            .Replace("{{base}}", HtmlEncoder.Default.Encode(basePath), StringComparison.Ordinal)
            .Replace("{{hub}}", HtmlEncoder.Default.Encode(http.Request.PathBase.Add(new PathString(hubPath)).Value!), StringComparison.Ordinal)
            .Replace("{{channel}}", DashboardChannel.Name, StringComparison.Ordinal);
        SecurityHeaders(http.Response);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(html, "text/html; charset=utf-8");
    }

    private static IResult Serve(HttpContext http, string name, string contentType)
    {
        var asset = Load(name);
        SecurityHeaders(http.Response);
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, contentType);
    }

    private static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private static Asset Load(string name) => s_assets.GetOrAdd(name, static name =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("SignalRChannels.Dashboard." + name)
            ?? throw new InvalidOperationException($"The dashboard asset '{name}' is not embedded in {typeof(DashboardEndpoints).Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        return new Asset(content, "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8)) + "\"");
    });

    /// <summary>The path of the app's one channel hub (<c>MapChannelHub</c>), found among the app's endpoints.</summary>
    private static string FindChannelHub(IServiceProvider services)
    {
        var hubs = services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HubMetadata>() is { } hub && typeof(ChannelHub).IsAssignableFrom(hub.HubType))
            .Select(e => e.RoutePattern.RawText ?? string.Empty)
            .Where(path => !path.EndsWith("/negotiate", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return hubs.Length == 1
            ? "/" + hubs[0].TrimStart('/')
            : throw new InvalidOperationException(hubs.Length == 0
                ? "MapChannelsDashboard found no channel hub: call MapChannelHub<THub>(...), or pass hubPath."
                : $"MapChannelsDashboard found {hubs.Length} channel hubs ({string.Join(", ", hubs)}): pass hubPath.");
    }

    private sealed record Asset(byte[] Content, string ETag);
}
