using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace SignalRChannels.Internal;

/// <summary>
/// Wraps a hub protocol so that arguments SignalR cannot bind (wrong count or types) are answered with a
/// coded <c>invalid_argument:</c> error. SignalR rejects them before any hub filter runs and, without this,
/// answers with a bare "Failed to invoke" message; it does copy a <see cref="HubException"/>'s message.
/// </summary>
internal sealed class CodedErrorHubProtocol(IHubProtocol inner) : IHubProtocol
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

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);
}

/// <summary>Resolves the hub protocols of another resolver, each wrapped in <see cref="CodedErrorHubProtocol"/>.</summary>
internal sealed class CodedErrorHubProtocolResolver : IHubProtocolResolver
{
    private readonly Dictionary<string, IHubProtocol> _protocols;

    public CodedErrorHubProtocolResolver(IHubProtocolResolver inner)
    {
        _protocols = new Dictionary<string, IHubProtocol>(StringComparer.OrdinalIgnoreCase);
        foreach (var protocol in inner.AllProtocols)
        {
            _protocols[protocol.Name] = new CodedErrorHubProtocol(protocol);
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
