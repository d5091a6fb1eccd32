using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.Client.Tests.Infrastructure;

/// <summary>Records every hub method a test node was asked to run, with its first argument, in arrival order.</summary>
public sealed class HubInvocationLog : IHubFilter
{
    public Recorder<(string Method, object? FirstArgument)> Recorder { get; } = new();

    public IReadOnlyList<(string Method, object? FirstArgument)> Calls => Recorder.Items;

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        Recorder.Add((invocationContext.HubMethodName, invocationContext.HubMethodArguments.FirstOrDefault()));
        return next(invocationContext);
    }
}

/// <summary>The ids of <c>private-gate.{id}</c> channels a test node currently allows.</summary>
public sealed class GateRoutes
{
    public ConcurrentDictionary<string, bool> Open { get; } = new(StringComparer.Ordinal);
}
