import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { DEFAULT_INDEX, unreachableIndexes, withoutUnreachable } from "../../src/project/index-probe.js";

async function listening(): Promise<{ port: number; close(): void }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

describe("index reachability", () => {
  it("probes each http index once: a listening one is reachable, a refused one is not; file:// ones are not probed", async () => {
    const up = await listening();
    const down = await listening();
    down.close();
    try {
      const result = await unreachableIndexes(
        {
          indexUrl: `http://127.0.0.1:${up.port}/simple`,
          extraIndexUrls: [`http://127.0.0.1:${down.port}/simple`, "file:///opt/pypi/simple"],
          findLinks: [],
        },
        {},
      );
      expect(result.map((r) => r.url)).toEqual([`http://127.0.0.1:${down.port}/simple`]);
      expect(result[0]!.reason).toMatch(/ECONNREFUSED/);
    } finally {
      up.close();
    }
  });

  it("asks nothing behind a proxy (pip goes through it)", async () => {
    expect(
      await unreachableIndexes(
        { indexUrl: "http://127.0.0.1:1/simple", extraIndexUrls: [], findLinks: [] },
        { HTTPS_PROXY: "x" },
      ),
    ).toEqual([]);
  });

  it("leaves unreachable indexes out; the first extra index takes the place of an unreachable default", () => {
    const index = {
      indexUrl: undefined,
      extraIndexUrls: ["https://a/simple", "https://b/simple"],
      findLinks: ["/w"],
    };
    expect(withoutUnreachable(index, [{ url: DEFAULT_INDEX, reason: "x" }])).toEqual({
      indexUrl: "https://a/simple",
      extraIndexUrls: ["https://b/simple"],
      findLinks: ["/w"],
      noIndex: false,
    });
    expect(
      withoutUnreachable({ ...index, extraIndexUrls: [] }, [{ url: DEFAULT_INDEX, reason: "x" }]),
    ).toMatchObject({ noIndex: true });
    expect(
      withoutUnreachable({ ...index, indexUrl: "https://m/simple" }, [
        { url: "https://b/simple", reason: "x" },
      ]),
    ).toEqual({
      indexUrl: "https://m/simple",
      extraIndexUrls: ["https://a/simple"],
      findLinks: ["/w"],
    });
  });
});
