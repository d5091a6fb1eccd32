using SignalRChannels.Client;

namespace DocsSnippets;

public sealed record OrderShipped(int OrderId);

public static class ClientSnippets
{
    public static async Task RunAsync(Func<Task<string?>> getToken, CancellationToken cancellationToken)
    {
        #region dotnet-client
        // dotnet add package SignalRChannels.Client
        await using var client = new ChannelsClient(new ChannelsClientOptions
        {
            Url = new Uri("https://localhost:5001/hubs/chat"),
            AccessTokenProvider = getToken, // sent as the bearer token (access_token on WebSockets)
        });
        client.Private("orders.42").On<OrderShipped>("OrderShipped", e => Console.WriteLine($"order {e.OrderId} shipped"));
        var chat = client.Presence("chat.1");
        chat.MemberJoined += (_, e) => Console.WriteLine($"{e.Member.Id} joined");

        await client.StartAsync(cancellationToken);
        await chat.WhenSubscribedAsync(cancellationToken); // throws ChannelException (forbidden, …) if refused
        Console.WriteLine($"{chat.Members.Count} here, round trip {client.RoundTripTime}");
        #endregion
    }

    public static async Task<bool> TestDoubleAsync()
    {
        #region null-connection
        var server = new NullChannelsConnection();
        server.AddMember("presence-chat.1", "ada", new { name = "Ada" });
        server.Handle("SendMessage", args => null);           // an app hub method
        await using var client = new ChannelsClient(server);  // register it in place of the real client
        var shipped = new List<int>();
        client.Private("orders.42").On<OrderShipped>("OrderShipped", e => shipped.Add(e.OrderId));
        await client.StartAsync();

        await server.EmitAsync("private-orders.42", "OrderShipped", new { orderId = 42 }); // returns once handled
        var whispered = server.Invocations.Any(i => i.Method == "Whisper");
        #endregion
        return shipped.Count == 1 && !whispered;
    }
}
