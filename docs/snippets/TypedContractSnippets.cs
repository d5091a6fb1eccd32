using SignalRChannels;

namespace DocsSnippets.Shop;

#region contracts
// private-orders.42 carries OrderShipped and "order.cancelled".
[Channel("private-orders.{orderId}")]
[Broadcasts(typeof(OrderShipped))]
[Broadcasts(typeof(OrderCancelled), Name = "order.cancelled")]
public sealed record OrderChannel(long OrderId) : TypedChannel;

// presence-store.s1.aisle.3: members carry a Shopper as their info and whisper where their cursor is.
[Channel("presence-store.{storeId}.aisle.{aisle}", MemberInfo = typeof(Shopper))]
[Broadcasts(typeof(Announcement))]
[Whispers(typeof(CursorMoved))]
public sealed record AisleChannel(string StoreId, int Aisle) : TypedChannel;

public sealed record OrderShipped(long OrderId, DateTimeOffset ShippedAt, OrderState State) : IBroadcastEvent
{
    public IEnumerable<string> BroadcastOn() => [new OrderChannel(OrderId)];
}

public sealed record OrderCancelled(long OrderId, string Reason);

public sealed record Shopper(string Name, string? Avatar);

public sealed record Announcement(string Text);

public sealed record CursorMoved(double X, double Y);

public enum OrderState
{
    Placed,
    Shipped = 5,
    Delivered,
}
#endregion

public static class TypedContractSnippets
{
    public static void Configure(WebApplicationBuilder builder)
    {
        #region register
        builder.Services.AddSignalR().AddChannels(channels =>
        {
            channels.Private("orders.{orderId}", (long orderId) => orderId > 0);
            channels.Presence("store.{storeId}.aisle.{aisle}", () => new PresenceMember("u1", new Shopper("Ada", Avatar: null)));

            // Checks the declarations at start; in development, refuses payloads that do not match them.
            channels.AddChannelContracts(typeof(OrderChannel).Assembly, validatePayloads: builder.Environment.IsDevelopment());
        });
        #endregion
    }

    public static async Task PublishAsync(IChannelBroadcaster broadcaster)
    {
        #region publish
        // A typed event goes where it says; a typed channel converts to its name.
        await broadcaster.PublishAsync(new OrderShipped(42, DateTimeOffset.UtcNow, OrderState.Shipped));
        await broadcaster.Channel(new OrderChannel(42)).PublishAsync("order.cancelled", new OrderCancelled(42, "out of stock"));
        #endregion
    }
}
