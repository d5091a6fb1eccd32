using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignalRChannels.TypeScript.Tests.Shapes;

// The C# shapes the generator must map: records, classes, enums (numbers and strings), nullability of values and
// references, collections, dictionaries, dates, ids, nested and self-referring types, JSON attributes.

public enum OrderState
{
    Placed,
    Shipped = 5,
    Delivered,
}

[JsonConverter(typeof(JsonStringEnumConverter))]
public enum Carrier
{
    Post,
    Courier,
}

public sealed record Money(decimal Amount, string Currency);

public sealed record OrderLine(string Sku, int Quantity, Money Price, string? Note);

public sealed record Category(string Name, Category? Parent);

public sealed class Parcel
{
    public Guid Id { get; init; }

    public Carrier Carrier { get; init; }

    [JsonPropertyName("tracking_code")]
    public string? TrackingCode { get; init; }

    [JsonIgnore]
    public string Secret { get; init; } = "";

    public byte[] Label { get; init; } = [];
}

public sealed record OrderShipped(
    long OrderId,
    DateTimeOffset ShippedAt,
    OrderState State,
    OrderState? PreviousState,
    IReadOnlyList<OrderLine> Lines,
    List<string?> Tags,
    Dictionary<string, int> Stock,
    IReadOnlyDictionary<string, Money?> Prices,
    Parcel Parcel,
    Category Category,
    DateOnly? DeliveryDay,
    TimeSpan Window,
    JsonElement Extra,
    int[] Sizes) : IBroadcastEvent
{
    public IEnumerable<string> BroadcastOn() => [new OrderChannel(OrderId)];
}

public sealed record OrderCancelled(long OrderId, string Reason);

public sealed record CursorMoved(double X, double Y);

public sealed record Shopper(string Name, string? Avatar);

public sealed record Announcement(string Text);

[Channel("private-orders.{orderId}")]
[Broadcasts(typeof(OrderShipped))]
[Broadcasts(typeof(OrderCancelled), Name = "order.cancelled")]
public sealed record OrderChannel(long OrderId) : TypedChannel;

[Channel("presence-store.{storeId}.aisle.{aisle}", MemberInfo = typeof(Shopper))]
[Broadcasts(typeof(Announcement))]
[Whispers(typeof(CursorMoved))]
public sealed record AisleChannel(string StoreId, int Aisle) : TypedChannel;

[Channel("news")]
[Broadcasts(typeof(Announcement), Name = "headline")]
public sealed record NewsChannel : TypedChannel;
