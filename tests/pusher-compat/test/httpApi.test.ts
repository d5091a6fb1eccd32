// The Pusher HTTP API, driven by the official pusher server SDK signing real requests.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { afterEach, describe, expect, inject, it } from "vitest";
import { Recorder, connectEcho, connectPusher, disconnectAll, secondApp, serverSdk, app } from "./support/clients.js";

const nodes = inject("nodes");
const url = nodes.memory;
const unique = (base: string) => `${base}.${randomUUID().slice(0, 8)}`;

afterEach(() => disconnectAll());

/** A request signed by hand as the SDKs do, so single parts can be made wrong. */
async function signedPost(
  path: string,
  body: string,
  overrides: { timestamp?: number; bodyMd5?: string; secret?: string; signedPath?: string } = {},
): Promise<Response> {
  const params: Record<string, string> = {
    auth_key: app.key,
    auth_timestamp: String(overrides.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: "1.0",
    body_md5: overrides.bodyMd5 ?? createHash("md5").update(body).digest("hex"),
  };
  const query = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join("&");
  const signature = createHmac("sha256", overrides.secret ?? app.secret).update(`POST\n${overrides.signedPath ?? path}\n${query}`).digest("hex");
  return fetch(`${url}${path}?${query}&auth_signature=${signature}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body,
  });
}

describe("Pusher HTTP API", () => {
  it("publishes trigger() to pusher-js subscribers, data passed as the JSON string the SDK sends", async () => {
    const name = unique("news");
    const pusher = await connectPusher(url);
    const events = new Recorder<unknown>();
    const subscribed = new Recorder<unknown>();
    pusher.subscribe(name).bind("message", events.add).bind("pusher:subscription_succeeded", subscribed.add);
    await subscribed.count(1);
    const response = await serverSdk(url).trigger(name, "message", { text: "from the SDK" });
    expect(response.status).toBe(200);
    expect((await events.count(1))[0]).toEqual({ text: "from the SDK" });
  });

  it("publishes to several channels at once and in a batch", async () => {
    const [a, b] = [unique("a"), unique("b")];
    const echo = await connectEcho(url);
    const events = new Recorder<{ channel: string; data: unknown }>();
    const subscriptions = new Recorder<unknown>();
    for (const name of [a, b]) {
      echo.channel(name).listen(".tick", (data: unknown) => events.add({ channel: name, data })).subscribed(subscriptions.add);
    }
    await subscriptions.count(2);
    await serverSdk(url).trigger([a, b], "tick", { n: 1 });
    await serverSdk(url).triggerBatch([
      { channel: a, name: "tick", data: { n: 2 } },
      { channel: b, name: "tick", data: { n: 3 } },
    ]);
    const all = await events.count(4);
    expect(all.filter((e) => e.channel === a).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(all.filter((e) => e.channel === b).map((e) => e.data)).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it("leaves out the socket named by socket_id", async () => {
    const name = unique("news");
    const sender = await connectEcho(url);
    const other = await connectEcho(url);
    const senderEvents = new Recorder<unknown>();
    const otherEvents = new Recorder<unknown>();
    const subscriptions = new Recorder<unknown>();
    sender.channel(name).listen(".m", senderEvents.add).subscribed(subscriptions.add);
    other.channel(name).listen(".m", otherEvents.add).subscribed(subscriptions.add);
    await subscriptions.count(2);
    await serverSdk(url).trigger(name, "m", { n: 1 }, { socket_id: sender.socketId()! });
    await serverSdk(url).trigger(name, "m", { n: 2 });
    await otherEvents.count(2);
    await senderEvents.count(1);
    expect(senderEvents.items).toEqual([{ n: 2 }]);
  });

  it("refuses a bad signature, a stale timestamp and a wrong body MD5 with 401, and accepts the same request signed right", async () => {
    const path = `/apps/${app.id}/events`;
    const body = JSON.stringify({ name: "m", channel: unique("news"), data: "{}" });
    expect((await signedPost(path, body, { secret: "wrong" })).status).toBe(401);
    expect((await signedPost(path, body, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    expect((await signedPost(path, body, { bodyMd5: createHash("md5").update("other").digest("hex") })).status).toBe(401);
    const rejected = await serverSdk(url, { ...app, secret: "not-the-secret" }).trigger(unique("news"), "m", {}).then(
      () => undefined,
      (error: { status?: number }) => error.status,
    );
    expect(rejected).toBe(401);
    expect((await signedPost(path, body)).status).toBe(200);
  });

  it("refuses reserved event names and invalid channels with 400", async () => {
    const path = `/apps/${app.id}/events`;
    expect((await signedPost(path, JSON.stringify({ name: "client-x", channel: "news", data: "{}" }))).status).toBe(400);
    expect((await signedPost(path, JSON.stringify({ name: "m", channel: "bad channel!", data: "{}" }))).status).toBe(400);
  });

  it("keeps a second app's channels apart from the default app's", async () => {
    const name = unique("news");
    const first = await connectPusher(url);
    const second = await connectPusher(url, { key: secondApp.key });
    const firstEvents = new Recorder<unknown>();
    const secondEvents = new Recorder<unknown>();
    const subscriptions = new Recorder<unknown>();
    first.subscribe(name).bind("m", firstEvents.add).bind("pusher:subscription_succeeded", subscriptions.add);
    second.subscribe(name).bind("m", secondEvents.add).bind("pusher:subscription_succeeded", subscriptions.add);
    await subscriptions.count(2);
    await serverSdk(url, secondApp).trigger(name, "m", { app: 2 });
    await serverSdk(url).trigger(name, "m", { app: 1 });
    await firstEvents.count(1);
    await secondEvents.count(1);
    expect(firstEvents.items).toEqual([{ app: 1 }]);
    expect(secondEvents.items).toEqual([{ app: 2 }]);
  });

  it("answers presence channel queries (occupied, user_count, users) from the presence store, signed GETs", async () => {
    const room = `presence-${unique("room")}`;
    const echoes = await Promise.all([
      connectEcho(url, { user: { id: "u1", name: "One" } }),
      connectEcho(url, { user: { id: "u2", name: "Two" } }),
    ]);
    const here = new Recorder<unknown>();
    echoes.forEach((echo) => echo.join(room.slice("presence-".length)).here(here.add));
    await here.count(2);
    const sdk = serverSdk(url);
    const info = await (await sdk.get({ path: `/channels/${room}`, params: { info: "user_count" } })).json();
    expect(info).toEqual({ occupied: true, user_count: 2 });
    const users = await (await sdk.get({ path: `/channels/${room}/users` })).json();
    expect((users as { users: { id: string }[] }).users.map((u) => u.id).sort()).toEqual(["u1", "u2"]);
    const unsigned = await fetch(`${url}/apps/${app.id}/channels/${room}/users`);
    expect(unsigned.status).toBe(401);
  });

  it("lists occupied channels and answers public/private occupancy cluster-wide, each app in its own namespace", async () => {
    const news = unique("listed");
    const first = await connectPusher(url);
    const second = await connectPusher(url, { key: secondApp.key });
    const subscribed = new Recorder<unknown>();
    first.subscribe(news).bind("pusher:subscription_succeeded", subscribed.add);
    second.subscribe(news).bind("pusher:subscription_succeeded", subscribed.add);
    second.subscribe(`${news}.only-second`).bind("pusher:subscription_succeeded", subscribed.add);
    await subscribed.count(3);

    const sdk = serverSdk(url);
    const listed = (await (await sdk.get({ path: "/channels", params: { filter_by_prefix: news, info: "subscription_count" } })).json()) as {
      channels: Record<string, { subscription_count?: number }>;
    };
    expect(listed).toEqual({ channels: { [news]: { subscription_count: 1 } } });
    const secondListed = (await (await serverSdk(url, secondApp).get({ path: "/channels", params: { filter_by_prefix: news } })).json()) as {
      channels: Record<string, unknown>;
    };
    expect(Object.keys(secondListed.channels).sort()).toEqual([news, `${news}.only-second`]);
    expect(await (await sdk.get({ path: `/channels/${news}`, params: { info: "subscription_count" } })).json()).toEqual({ occupied: true, subscription_count: 1 });
    expect(await (await sdk.get({ path: `/channels/${unique("empty")}` })).json()).toEqual({ occupied: false });

    const refused = await sdk.get({ path: `/channels/${news}`, params: { info: "user_count" } }).catch((error: { status?: number; body?: string }) => error);
    expect(refused).toMatchObject({ status: 400 });
    expect(JSON.parse((refused as { body: string }).body)).toMatchObject({ code: "not_presence" });
  });

  it("accepts signatures behind a path prefix, over the full path or over /apps/… (a proxy that strips the prefix)", async () => {
    const body = JSON.stringify({ name: "m", channel: unique("news"), data: "{}" });
    expect((await signedPost(`/pusher/apps/${app.id}/events`, body)).status).toBe(200);
    expect((await signedPost(`/pusher/apps/${app.id}/events`, body, { signedPath: `/apps/${app.id}/events` })).status).toBe(200);
    expect((await signedPost(`/pusher/apps/${app.id}/events`, body, { signedPath: `/other/apps/${app.id}/events` })).status).toBe(401);
  });
});
