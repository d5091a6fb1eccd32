import { afterEach, describe, expect, inject, it } from "vitest";
import type { PayloadProblem } from "../../src/index.js";
// The generator's output for the TestServer's typed channels (tests/SignalRChannels.TestServer/TypedShapes.cs).
import { channels, contracts, OrderState, type Announcement, type OrderCancelled, type OrderShipped } from "../../../../tests/SignalRChannels.TypeScript.Tests/Expected/shapes.js";
import { connect, disconnectAll, Recorder, within, type Protocol } from "./support/harness.js";

const { memory } = inject("servers");
const ada = { id: "ada", name: "Ada" };

afterEach(disconnectAll);

describe.each<Protocol>(["json", "messagepack"])("generated types over %s", (protocol) => {
  it("receive every generated type from the real server, and each matches its contract", async () => {
    const orderId = 1 + Math.floor(Math.random() * 1_000_000);
    const aisle = 1 + Math.floor(Math.random() * 1_000_000);
    const problems = new Recorder<PayloadProblem>();
    const { client } = await connect(memory, { protocol, user: ada, start: false, validatePayloads: { contracts, onInvalid: problems.add } });
    const shipped = new Recorder<OrderShipped>();
    const cancelled = new Recorder<OrderCancelled>();
    const announced = new Recorder<Announcement>();
    const headlines = new Recorder<Announcement>();
    client.private(channels.orderChannel(orderId)).listen("OrderShipped", shipped.add).listen("order.cancelled", cancelled.add);
    const store = client.join(channels.aisleChannel("s1", aisle)).listen("Announcement", announced.add);
    client.channel(channels.newsChannel()).listen("headline", headlines.add);
    await client.start();

    const response = await within(fetch(`${memory}/typed-samples/${orderId}/${aisle}`, { method: "POST" }), "POST /typed-samples");
    expect(response.status).toBe(204);

    const [order] = await shipped.count(1);
    expect(order!.orderId).toBe(orderId);
    expect(order!.shippedAt).toBe("2026-12-01T10:30:00+00:00");
    expect(order!.state).toBe(OrderState.Shipped);
    expect(order!.previousState).toBeNull();
    expect(order!.lines.map((l) => [l.sku, l.quantity, l.price.amount, l.note])).toEqual([["A-1", 2, 9.5, null], ["B-2", 1, 20, "gift"]]);
    expect(order!.tags).toEqual(["gift", null]);
    expect(order!.stock).toEqual({ "A-1": 7 });
    expect(order!.prices).toEqual({ "A-1": { amount: 9.5, currency: "EUR" }, "C-3": null });
    expect(order!.parcel).toEqual({ id: "3f2a1c5e-0000-4000-8000-000000000001", carrier: "Courier", tracking_code: null, label: "AQID" });
    expect(order!.category).toEqual({ name: "toys", parent: { name: "all", parent: null } });
    expect([order!.deliveryDay, order!.window, order!.extra, order!.sizes]).toEqual(["2026-12-03", "02:00:00", { anything: [1, 2] }, [38, 39]]);
    expect(await cancelled.count(1)).toEqual([{ orderId, reason: "out of stock" }]);
    expect(await announced.count(1)).toEqual([{ text: `aisle ${aisle}` }]);
    expect((await headlines.count(1))[0]).toEqual({ text: "news" });
    // Presence member info is typed (Shopper) and matches the contract as well.
    expect(store.members.find((m) => m.id === ada.id)?.info).toEqual({ name: "Ada", avatar: null });
    expect(problems.items).toEqual([]);
  });
});
