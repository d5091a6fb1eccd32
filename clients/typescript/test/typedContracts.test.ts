import { describe, expect, it } from "vitest";
import { ChannelsClient, NullConnection, PayloadValidator, type PayloadProblem } from "../src/index.js";
import { channels, contracts } from "../../../tests/SignalRChannels.TypeScript.Tests/Expected/shapes.js";

const shipped = {
  orderId: 42,
  shippedAt: "2026-12-01T10:00:00+00:00",
  state: 5,
  previousState: null,
  lines: [{ sku: "A-1", quantity: 2, price: { amount: 9.5, currency: "EUR" }, note: null }],
  tags: ["gift", null],
  stock: { a: 1 },
  prices: { a: { amount: 1, currency: "EUR" }, b: null },
  parcel: { id: "3f2a", carrier: "Courier", tracking_code: null, label: "" },
  category: { name: "toys", parent: { name: "all", parent: null } },
  deliveryDay: null,
  window: "02:00:00",
  extra: { anything: [1, 2] },
  sizes: [1, 2],
};

describe("PayloadValidator", () => {
  const validator = new PayloadValidator(contracts);

  it("accepts a payload that matches its declaration, nested types and nullables included", () => {
    expect(validator.check("private-shop-orders.42", "OrderShipped", shipped)).toBeUndefined();
  });

  it("names the first mismatch with its path", () => {
    const wrong = { ...shipped, lines: [{ ...shipped.lines[0], price: { amount: "9.5", currency: "EUR" } }] };
    expect(validator.check("private-shop-orders.42", "OrderShipped", wrong)).toBe("$.lines[0].price.amount: expected number, got string");
    expect(validator.check("private-shop-orders.42", "OrderShipped", { ...shipped, state: 3 })).toBe("$.state: expected one of 0, 5, 6, got number");
    const { parcel: _, ...withoutParcel } = shipped;
    expect(validator.check("private-shop-orders.42", "OrderShipped", withoutParcel)).toBe("$.parcel: missing");
    expect(validator.check("private-shop-orders.42", "order.cancelled", null)).toBe("$: expected an object, got null");
  });

  it("refuses events and whispers a typed channel does not declare, and lets other channels and reserved events pass", () => {
    expect(validator.check("private-shop-orders.42", "Refunded", {})).toBe("the event 'Refunded' is not declared for this channel");
    expect(validator.check("presence-shop-store.s1.aisle.3", "client-typing", {})).toBe("the whisper 'typing' is not declared for this channel");
    expect(validator.check("presence-shop-store.s1.aisle.3", "client-cursorMoved", { x: 1, y: 2 })).toBeUndefined();
    expect(validator.check("presence-shop-store.s1.aisle.3", "member:joined", { nonsense: true })).toBeUndefined();
    expect(validator.check("private-shop-orders.42.extra", "Refunded", {})).toBeUndefined();
    expect(validator.check("private-other.1", "Refunded", {})).toBeUndefined();
  });
});

describe("ChannelsClient with validatePayloads", () => {
  it("delivers matching events and reports, without delivering, the others", async () => {
    const connection = new NullConnection();
    const problems: PayloadProblem[] = [];
    const client = new ChannelsClient({ connection, validatePayloads: { contracts, onInvalid: (p) => problems.push(p) } });
    const received: number[] = [];
    client.private(channels.orderChannel(42)).listen("OrderShipped", (e) => received.push(e.orderId));
    await client.start();

    connection.emit({ channel: "private-shop-orders.42", event: "OrderShipped", data: shipped });
    connection.emit({ channel: "private-shop-orders.42", event: "OrderShipped", data: { ...shipped, orderId: "42" } });

    expect(received).toEqual([42]);
    expect(problems).toEqual([{ channel: "private-shop-orders.42", event: "OrderShipped", problem: "$.orderId: expected number, got string" }]);
    await client.disconnect();
  });
});
