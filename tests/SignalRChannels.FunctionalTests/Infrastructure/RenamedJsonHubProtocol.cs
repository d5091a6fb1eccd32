using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// SignalR's JSON hub protocol under a name of its own, so a test can register it on the server and a client can ask for
/// it; derived classes watch what the server serializes.
/// </summary>
public abstract class RenamedJsonHubProtocol(string name) : IHubProtocol
{
    private readonly JsonHubProtocol _inner = new();

    public string Name { get; } = name;

    public int Version => _inner.Version;

    public TransferFormat TransferFormat => _inner.TransferFormat;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message) =>
        _inner.TryParseMessage(ref input, binder, out message);

    /// <summary>Writes into a buffer SignalR (or the channel hub's batch writer) provides.</summary>
    public virtual void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(message, output);

    /// <summary>The bytes of one message, which SignalR caches for every recipient.</summary>
    public virtual ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(message);

    public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);

    /// <summary>Whether <paramref name="message"/> is a <c>ChannelEvent</c> invocation.</summary>
    protected static bool IsChannelEvent(HubMessage message) => message is InvocationMessage { Target: "ChannelEvent" };
}
