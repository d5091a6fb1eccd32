import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
// Pages with TypeScript quoted from compiled files, and how many quotes each must have at least.
const pages = [
  ["docs/clients/typescript.md", 6],
  ["docs/getting-started.md", 2],
  ["README.md", 1],
  ["docs/concepts/typed-contracts.md", 1],
] as const;

function dedent(code: string): string {
  const lines = code.split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim().length > 0).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join("\n");
}

describe.each(pages)("%s", (path, minimum) => {
  const page = readFileSync(`${root}${path}`, "utf8");
  const markers = [...page.matchAll(/<!-- snippet: ([\w-]+) \(([^)]+)\) -->\s*```ts\n([\s\S]*?)\n```/g)];

  it("quotes compiled examples", () => {
    expect(markers.length).toBeGreaterThanOrEqual(minimum);
  });

  it.each(markers.map((m) => [m[1]!, m[2]!, m[3]!] as const))("quotes region %s of %s verbatim", (name, path, code) => {
    const source = readFileSync(`${root}${path}`, "utf8");
    const region = new RegExp(`// #region ${name}\\n([\\s\\S]*?)\\n\\s*// #endregion`).exec(source);
    expect(region, `region ${name} in ${path}`).not.toBeNull();
    expect(code).toBe(dedent(region![1]!));
  });
});
