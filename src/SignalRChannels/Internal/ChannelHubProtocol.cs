using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace SignalRChannels.Internal;

/// <summary>
/// Wraps a hub protocol for the connections of a channel hub. Arguments SignalR cannot bind (wrong count or types) are
/// answered with a coded <c>invalid_argument:</c> error: SignalR rejects them before any hub filter runs and, without
/// this, answers with a bare "Failed to invoke" message; it does copy a <see cref="HubException"/>'s message. And an
/// <see cref="EventBatch"/> is written as one ordinary <c>ChannelEvent</c> invocation per event, back to back, so
/// SignalR writes a batch to each connection in one write while clients read the records they always read.
/// </summary>
internal sealed class ChannelHubProtocol(IHubProtocol inner) : IHubProtocol
{
    private const string Detail = "invalid_argument: the arguments do not match the method (every argument must be sent, null when unused, with the documented types)";

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        if (!inner.TryParseMessage(ref input, binder, out message))
        {
            return false;
        }

        if (message is InvocationBindingFailureMessage failure)
        {
            var error = IsKnownMethod(binder, failure.Target)
                ? Detail
                : $"{ChannelErrorCodes.UnknownMethod}: the hub has no method '{Truncate(failure.Target)}'";
            message = new InvocationBindingFailureMessage(failure.InvocationId, failure.Target, ExceptionDispatchInfo.Capture(new HubException(error)));
        }

        return true;
    }

    /// <summary>SignalR's binder throws for a method the hub does not have; a known method failed on its arguments.</summary>
    private static bool IsKnownMethod(IInvocationBinder binder, string target)
    {
        try
        {
            binder.GetParameterTypes(target);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static string Truncate(string target) => target.Length <= 64 ? target : target[..64] + "…";

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output)
    {
        if (EventBatch.Of(message) is { } batch)
        {
            WriteEvents(batch, output);
            return;
        }

        inner.WriteMessage(message, output);
    }

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message)
    {
        if (EventBatch.Of(message) is not { } batch)
        {
            return inner.GetMessageBytes(message);
        }

        // SignalR asks once per protocol and batch, then copies these bytes into each connection's pipe.
        var output = new ArrayBufferWriter<byte>(batch.Events.Count * 256);
        WriteEvents(batch, output);
        return batch.Written(output);
    }

    private void WriteEvents(EventBatch batch, IBufferWriter<byte> output)
    {
        foreach (var envelope in batch.Events)
        {
            inner.WriteMessage(new InvocationMessage(ChannelEvent.ClientMethodName, [envelope]), output);
        }
    }

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);
}

/// <summary>Resolves the hub protocols of another resolver, each wrapped in <see cref="ChannelHubProtocol"/>.</summary>
internal sealed class ChannelHubProtocolResolver : IHubProtocolResolver
{
    private readonly Dictionary<string, IHubProtocol> _protocols;

    public ChannelHubProtocolResolver(IHubProtocolResolver inner)
    {
        _protocols = new Dictionary<string, IHubProtocol>(StringComparer.OrdinalIgnoreCase);
        foreach (var protocol in inner.AllProtocols)
        {
            _protocols[protocol.Name] = new ChannelHubProtocol(protocol);
        }

        AllProtocols = _protocols.Values.ToArray();
    }

    public IReadOnlyList<IHubProtocol> AllProtocols { get; }

    public IHubProtocol? GetProtocol(string protocolName, IReadOnlyList<string>? supportedProtocols) =>
        _protocols.TryGetValue(protocolName, out var protocol)
        && (supportedProtocols is null || supportedProtocols.Contains(protocolName, StringComparer.OrdinalIgnoreCase))
            ? protocol
            : null;
}
