// The page's script is committed as an asset of the SignalRChannels assembly (so `dotnet build` needs no npm); it
// must be exactly what its sources bundle to today.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assetPath, bundleDashboard } from "../scripts/bundle.mjs";

describe("embedded dashboard.js", () => {
  it("is the bundle of the current sources (run `npm run bundle -w clients/dashboard` after changing them, or the client's)", async () => {
    const committed = readFileSync(assetPath, "utf8");
    const fresh = await bundleDashboard();
    expect(committed.length).toBe(fresh.length);
    expect(committed === fresh).toBe(true);
  });
});
