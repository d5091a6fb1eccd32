using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignalRChannels.TestServer.Shapes;

// Typed channels whose payloads cover the C# shapes the TypeScript generator must map: records, classes, enums (numbers
// and strings), nullability of values and references, collections, dictionaries, dates, ids, nested and self-referring
// types, JSON attributes. tests/SignalRChannels.TypeScript.Tests compares the generator's output for this assembly with
// Expected/shapes.ts; the TypeScript client's integration tests receive a sample of each from this server
// (POST /typed-samples) with payload validation on, on both sides.

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

[Channel("private-shop-orders.{orderId}")]
[Broadcasts(typeof(OrderShipped))]
[Broadcasts(typeof(OrderCancelled), Name = "order.cancelled")]
public sealed record OrderChannel(long OrderId) : TypedChannel;

[Channel("presence-shop-store.{storeId}.aisle.{aisle}", MemberInfo = typeof(Shopper))]
[Broadcasts(typeof(Announcement))]
[Whispers(typeof(CursorMoved))]
public sealed record AisleChannel(string StoreId, int Aisle) : TypedChannel;

[Channel("shop-news")]
[Broadcasts(typeof(Announcement), Name = "headline")]
public sealed record NewsChannel : TypedChannel;

/// <summary>One sample of each declared event, every member set (some to null), as the integration tests expect them.</summary>
public static class TypedSamples
{
    public static OrderShipped Shipped(long orderId) => new(
        orderId,
        new DateTimeOffset(2026, 12, 1, 10, 30, 0, TimeSpan.Zero),
        OrderState.Shipped,
        PreviousState: null,
        [new OrderLine("A-1", 2, new Money(9.5m, "EUR"), Note: null), new OrderLine("B-2", 1, new Money(20m, "EUR"), "gift")],
        ["gift", null],
        new Dictionary<string, int> { ["A-1"] = 7 },
        new Dictionary<string, Money?> { ["A-1"] = new Money(9.5m, "EUR"), ["C-3"] = null },
        new Parcel { Id = Guid.Parse("3f2a1c5e-0000-4000-8000-000000000001"), Carrier = Carrier.Courier, TrackingCode = null, Secret = "not sent", Label = [1, 2, 3] },
        new Category("toys", new Category("all", Parent: null)),
        new DateOnly(2026, 12, 3),
        TimeSpan.FromHours(2),
        System.Text.Json.JsonDocument.Parse("""{"anything":[1,2]}""").RootElement,
        [38, 39]);

    public static OrderCancelled Cancelled(long orderId) => new(orderId, "out of stock");

    public static Announcement Announcement(string text) => new(text);
}
