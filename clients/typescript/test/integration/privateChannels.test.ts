import { afterEach, describe, expect, inject, it } from "vitest";
import { ChannelError } from "../../src/index.js";
import { connect, disconnectAll, publish, Recorder, uniqueName, type Protocol } from "./support/harness.js";

const { memory } = inject("servers");
const ada = { id: "ada", name: "Ada" };

afterEach(disconnectAll);

interface OrderEvents {
  OrderShipped: { orderId: number };
}

describe.each<Protocol>(["json", "messagepack"])("private channels over %s", (protocol) => {
  it("lets a signed-in user the route allows subscribe and receive", async () => {
    const orderId = 100 + Math.floor(Math.random() * 800);
    const { client } = await connect(memory, { protocol, user: ada, start: false });
    const shipped = new Recorder<{ orderId: number }>();
    const errors = new Recorder<ChannelError>();
    const orders = client.private<OrderEvents>(`orders.${orderId}`).listen("OrderShipped", shipped.add).error(errors.add);
    await client.start();

    expect(orders.name).toBe(`private-orders.${orderId}`);
    expect(orders.state).toBe("subscribed");
    await publish(memory, `private-orders.${orderId}`, "OrderShipped", { orderId });
    expect(await shipped.count(1)).toEqual([{ orderId }]);
    expect(errors.items).toEqual([]);
  });

  it.each([
    { who: "a signed-in user the callback refuses", user: ada, orderId: "5000" },
    { who: "an anonymous user", user: undefined, orderId: "7" },
    { who: "a route parameter that does not convert", user: ada, orderId: "abc" },
  ])("refuses $who with a forbidden ChannelError", async ({ user, orderId }) => {
    const { client } = await connect(memory, { protocol, start: false, ...(user !== undefined && { user }) });
    const errors = new Recorder<ChannelError>();
    const orders = client.private(`orders.${orderId}`).error(errors.add);
    await client.start();

    const [error] = await errors.count(1);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error!.code).toBe("forbidden");
    expect(error!.channel).toBe(`private-orders.${orderId}`);
    expect(orders.state).toBe("failed");
  });

  it("refuses a private channel without any route", async () => {
    const { client } = await connect(memory, { protocol, user: ada, start: false });
    const errors = new Recorder<ChannelError>();
    client.private(uniqueName("unrouted")).error(errors.add);
    await client.start();

    const [error] = await errors.count(1);
    expect(error!.code).toBe("forbidden");
  });

  it("keeps the allowed channels of a batch when one is refused", async () => {
    const { client } = await connect(memory, { protocol, user: ada, start: false });
    const errors = new Recorder<ChannelError>();
    const allowed = client.private("orders.1");
    const refused = client.private("orders.1001").error(errors.add);
    const open = client.channel(uniqueName("open"));
    await client.start();

    expect((await errors.count(1))[0]!.code).toBe("forbidden");
    expect(refused.state).toBe("failed");
    expect(allowed.state).toBe("subscribed");
    expect(open.state).toBe("subscribed");
  });
});
