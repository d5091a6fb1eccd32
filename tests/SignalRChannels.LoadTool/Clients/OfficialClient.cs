using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRChannels.LoadTool.Clients;

/// <summary>
/// The official .NET SignalR client (JSON protocol, WebSockets, negotiation skipped): what users see, at the cost of
/// full deserialization of every event on the client.
/// </summary>
internal sealed class OfficialClient : ILoadClient
{
    private readonly HubConnection _connection;

    private OfficialClient(int index, HubConnection connection)
    {
        Index = index;
        _connection = connection;
        _connection.On<JsonElement>(LoadWire.ClientMethod, OnEvent);
    }

    public int Index { get; }

    public IDeliverySink? Sink { get; set; }

    public static async Task<OfficialClient> ConnectAsync(Uri uri, int index, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(uri, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        var client = new OfficialClient(index, connection);
        try
        {
            await connection.StartAsync(cancellationToken);
            return client;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<TimeSpan> SubscribeAsync(string channel, CancellationToken cancellationToken)
    {
        var started = LoadWire.Now();
        await _connection.InvokeAsync<JsonElement>("Subscribe", channel, null, cancellationToken);
        return TimeSpan.FromMilliseconds(LoadWire.TicksToMilliseconds(LoadWire.Now() - started));
    }

    private void OnEvent(JsonElement envelope)
    {
        var received = LoadWire.Now();
        if (Sink is not { } sink || !envelope.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (data.TryGetProperty("ts", out var ts))
        {
            sink.OnDelivery(Index, ts.GetInt64(), received);
        }
        else if (envelope.GetProperty("event").ValueEquals("member:joined") && data.TryGetProperty("id", out var id))
        {
            sink.OnMemberJoined(Index, id.GetString()!, received);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
