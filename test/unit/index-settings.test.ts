import { describe, expect, it } from "vitest";
import {
  createRedactor,
  indexSettingsFromPipEnv,
  redactUrl,
  urlSecrets,
} from "../../src/domain/index-settings.js";
import { indexSettingsFromFiles, parsePipConfigFile, pipConfigFiles } from "../../src/domain/pip-config.js";

describe("index settings", () => {
  it("reads pip's INI files in pip's order: later files and command sections override", () => {
    const site = parsePipConfigFile(
      "[global]\nindex-url = https://site/simple\nfind-links =\n    /opt/a\n    /opt/b\n",
    );
    const user = parsePipConfigFile(
      "# mine\n[global]\nextra_index_url = file:///x/simple file:///y/simple\n[install]\nindex-url: https://user/simple\n",
    );
    expect(indexSettingsFromFiles([site, user])).toEqual({
      indexUrl: "https://user/simple",
      extraIndexUrls: ["file:///x/simple", "file:///y/simple"],
      findLinks: ["/opt/a", "/opt/b"],
    });
  });

  it("lists the files pip reads, lowest priority first, and none for PIP_CONFIG_FILE=/dev/null", () => {
    expect(
      pipConfigFiles(
        { XDG_CONFIG_DIRS: "/etc/xdg:/opt/xdg", VIRTUAL_ENV: "/venv", PIP_CONFIG_FILE: "/cfg" },
        "/home/u",
      ),
    ).toEqual([
      "/cfg",
      "/etc/xdg/pip/pip.conf",
      "/opt/xdg/pip/pip.conf",
      "/etc/pip.conf",
      "/home/u/.pip/pip.conf",
      "/home/u/.config/pip/pip.conf",
      "/venv/pip.conf",
    ]);
    expect(pipConfigFiles({ PIP_CONFIG_FILE: "/dev/null" }, "/home/u")).toEqual([]);
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
