import { describe, expect, it } from "vitest";
import {
  createRedactor,
  indexSettingsFromPipEnv,
  parsePipConfigList,
  redactUrl,
  urlSecrets,
} from "../../src/domain/index-settings.js";

describe("index settings", () => {
  it("reads pip config list output, ignoring environment-sourced keys", () => {
    const text =
      ":env:.find-links='/env'\nglobal.extra-index-url='file:///a/simple file:///b/simple'\nglobal.find-links='/opt/wheels'\nglobal.index-url='https://mirror/simple'\n";
    expect(parsePipConfigList(text)).toEqual({
      indexUrl: "https://mirror/simple",
      extraIndexUrls: ["file:///a/simple", "file:///b/simple"],
      findLinks: ["/opt/wheels"],
    });
  });

  it("lets pip's environment variables override its files", () => {
    expect(indexSettingsFromPipEnv({ PIP_INDEX_URL: "https://x/simple", PIP_FIND_LINKS: "/a /b" })).toEqual({
      indexUrl: "https://x/simple",
      findLinks: ["/a", "/b"],
    });
  });

  it("redacts credentials in URLs and everywhere they are printed", () => {
    const url = "https://alice:s3cr3t-MARK@pkgs.example/simple";
    expect(redactUrl(url)).toBe("https://alice:****@pkgs.example/simple");
    expect(redactUrl("https://tokenonly@pkgs.example/simple")).toBe("https://****@pkgs.example/simple");
    const redact = createRedactor(urlSecrets([url]));
    expect(redact(`Looking in indexes: ${url}`)).not.toContain("s3cr3t-MARK");
  });
});

describe("redacting URLs inside any text", () => {
  it("hides the credentials of every URL in a message", async () => {
    const { redactUrls } = await import("../../src/domain/index-settings.js");
    expect(redactUrls('got "https://bob:hunter2@a/simple" and http://tok@b/x')).toBe(
      'got "https://bob:****@a/simple" and http://****@b/x',
    );
  });
});
