using Microsoft.AspNetCore.Http.Connections;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>Theory data for the transports and hub protocols of wire protocol v1.</summary>
public static class TestMatrix
{
    public static readonly HttpTransportType[] Transports =
        [HttpTransportType.WebSockets, HttpTransportType.ServerSentEvents, HttpTransportType.LongPolling];

    public static readonly WireProtocol[] Protocols = [WireProtocol.Json, WireProtocol.MessagePack];

    public static TheoryData<HttpTransportType> AllTransports => [.. Transports];

    public static TheoryData<WireProtocol> AllProtocols => [.. Protocols];

    /// <summary>Each named case with each hub protocol.</summary>
    public static TheoryData<string, WireProtocol> WithEveryProtocol(IEnumerable<string> caseNames)
    {
        var data = new TheoryData<string, WireProtocol>();
        foreach (var name in caseNames)
        {
            foreach (var protocol in Protocols)
            {
                data.Add(name, protocol);
            }
        }

        return data;
    }

    /// <summary>
    /// Every transport with every protocol SignalR can carry on it: MessagePack is binary, and SignalR's
    /// Server-Sent Events transport carries text only, so that one pair is left out (see
    /// <c>TransportTests.ServerSentEvents_WithMessagePack_IsRefusedBySignalR</c>).
    /// </summary>
    public static TheoryData<HttpTransportType, WireProtocol> SupportedTransportsAndProtocols
    {
        get
        {
            var data = new TheoryData<HttpTransportType, WireProtocol>();
            foreach (var transport in Transports)
            {
                foreach (var protocol in Protocols)
                {
                    if (transport != HttpTransportType.ServerSentEvents || protocol != WireProtocol.MessagePack)
                    {
                        data.Add(transport, protocol);
                    }
                }
            }

            return data;
        }
    }
}
