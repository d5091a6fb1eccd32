using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.LoadTool.Serve;

/// <summary>
/// <c>GET /load/query?op=channels|prefix|channel|members&amp;channel=&amp;repeat=</c>: runs one <see cref="IChannelsQuery"/>
/// call <c>repeat</c> times on this node, one after the other, and answers each call's duration and the size of its answer.
/// </summary>
internal static class QueryControl
{
    public static void Map(WebApplication app) => app.MapGet("/load/query", async (HttpContext http, IServiceProvider services) =>
    {
        var query = services.GetService<IChannelsQuery>();
        if (query is null)
        {
            return Results.BadRequest("the query API needs the channels server");
        }

        var op = http.Request.Query["op"].ToString();
        var channel = http.Request.Query["channel"].ToString();
        var repeat = int.TryParse(http.Request.Query["repeat"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? Math.Clamp(r, 1, 1000) : 10;
        Func<Task<int>> call = op switch
        {
            "channels" => async () => (await query.GetOccupiedChannelsAsync()).Count,
            "prefix" => async () => (await query.GetOccupiedChannelsAsync(channel)).Count,
            "channel" => async () => (int)(await query.GetChannelAsync(ChannelName.Parse(channel))).SubscriptionCount,
            "members" => async () => (await query.GetMembersAsync(ChannelName.Parse(channel))).Count,
            "nodes" => async () => (await query.GetNodesAsync()).Count,
            _ => () => Task.FromResult(-1),
        };
        var durations = new double[repeat];
        var size = 0;
        for (var i = 0; i < repeat; i++)
        {
            var started = Stopwatch.GetTimestamp();
            size = await call();
            durations[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return Results.Ok(new QueryReport(size, durations));
    });
}

internal sealed record QueryReport(int Size, double[] DurationsMs);
