// Several archives as one (the builder's inputs in one engine copy): every entry of every part, in
// order, with its bytes; a part that is not a whole archive is refused, never passed on truncated.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import * as tar from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { tarBytes } from "../../src/execute/tar-bytes.js";
import { concatTars } from "../../src/execute/tar-concat.js";

const dir = mkdtempSync(path.join(tmpdir(), "wheelwright-concat-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function entriesOf(chunks: AsyncIterable<Buffer>): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const parser = new tar.Parser({
    onReadEntry: (entry) => {
      const parts: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => parts.push(chunk));
      entry.on("end", () => {
        found[entry.path] = Buffer.concat(parts).toString();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on("end", resolve);
    parser.on("error", reject);
    const source = Readable.from(chunks);
    source.on("error", reject);
    source.pipe(parser as unknown as NodeJS.WritableStream);
  });
  return found;
}

describe("concatTars", () => {
  it("joins packed folders (each under its prefix) and an in-memory archive into one", async () => {
    mkdirSync(path.join(dir, "a", "pkg"), { recursive: true });
    writeFileSync(path.join(dir, "a", "pkg", "m.py"), "A = 1\n");
    // Larger than one chunk, so the end marker is cut across reads.
    writeFileSync(path.join(dir, "a", "big.txt"), "x".repeat(300_000));
    mkdirSync(path.join(dir, "b"), { recursive: true });
    writeFileSync(path.join(dir, "b", "setup.py"), "setup()\n");
    const first = tar.c({ cwd: path.join(dir, "a"), portable: true, prefix: "bin" }, ["pkg", "big.txt"]);
    const second = tar.c({ cwd: path.join(dir, "b"), portable: true, noDirRecurse: true, prefix: "src" }, [
      "setup.py",
    ]);
    const small = tarBytes([{ name: "input/request.json", content: "{}", mode: 0o644 }], tar.Header);
    const found = await entriesOf(concatTars([first, second, [small]]));
    expect(found["bin/pkg/m.py"]).toBe("A = 1\n");
    expect(found["bin/big.txt"]).toHaveLength(300_000);
    expect(found["src/setup.py"]).toBe("setup()\n");
    expect(found["input/request.json"]).toBe("{}");
  });

  it("refuses a part that does not end with the end-of-archive marker", async () => {
    const whole = tarBytes([{ name: "x", content: "1", mode: 0o644 }], tar.Header);
    const cut = whole.subarray(0, whole.length - 512);
    const chunks: Buffer[] = [];
    const error = await (async () => {
      for await (const chunk of concatTars([[cut]])) chunks.push(chunk);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("end-of-archive marker");
  });
});
