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
}
