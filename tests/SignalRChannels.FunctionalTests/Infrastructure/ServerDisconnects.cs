using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// Tells when a server has finished processing a connection's disconnect, the channels' teardown included (presence
/// left, <c>member:left</c> published), so a test can assert that something did not happen without sleeping. A
/// client's <c>DisposeAsync</c> returns before the server has run any of it.
/// </summary>
public sealed class ServerDisconnects : IHubFilter
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _processed = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds the filter to a server as its outermost hub filter (the first in <see cref="HubOptions"/>' list wraps the
    /// others), so it sees the end of every other filter's disconnect work. One instance may serve several nodes.
    /// </summary>
    public void AddTo(WebApplicationBuilder builder) =>
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<HubOptions>>(
            new ConfigureOptions<HubOptions>(options => options.AddFilter(this))));

    /// <summary>Completes once the server has processed the disconnect of <paramref name="connectionId"/>.</summary>
    public Task ProcessedAsync(string connectionId) => For(connectionId).Task.DefaultTimeout();

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            For(context.Context.ConnectionId).TrySetResult();
        }
    }

    private TaskCompletionSource For(string connectionId) =>
        _processed.GetOrAdd(connectionId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
