using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections.Features;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// The in-process SignalR connection behind one Pusher socket: its id is the Pusher socket id, its transport a pair of
/// pipes the bridge reads and writes, and an abort from the hub side (a revocation, <c>Context.Abort()</c>) closes the
/// Pusher socket.
/// </summary>
internal sealed class BridgeConnectionContext : DefaultConnectionContext
{
    private readonly Action _onAbort;

    public BridgeConnectionContext(string connectionId, IDuplexPipe transport, IDuplexPipe application, HttpContext http, Action onAbort)
        : base(connectionId, transport, application)
    {
        _onAbort = onAbort;
        User = http.User;
        Features.Set<IHttpContextFeature>(new HttpContextFeature(http));
        Features.Set(new SignalRChannels.Query.ConnectionTransportFeature("websockets", "pusher"));
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        base.Abort(abortReason);
        _onAbort();
    }

    public static (IDuplexPipe Transport, IDuplexPipe Application) CreatePipes()
    {
        var toHub = new Pipe(new PipeOptions(useSynchronizationContext: false));
        var fromHub = new Pipe(new PipeOptions(useSynchronizationContext: false));
        return (new DuplexPipe(toHub.Reader, fromHub.Writer), new DuplexPipe(fromHub.Reader, toHub.Writer));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private sealed class HttpContextFeature(HttpContext http) : IHttpContextFeature
    {
        public HttpContext? HttpContext { get; set; } = http;
    }
}
