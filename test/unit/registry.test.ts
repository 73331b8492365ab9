import { describe, expect, it } from "vitest";
import {
  classifyRegistryFailure,
  isLoopbackRegistry,
  pushedDigest,
  registryOf,
} from "../../src/domain/registry.js";

describe("registries", () => {
  it("finds the registry host of a repository, none for the default registry", () => {
    expect(registryOf("127.0.0.1:5000/acme/app-release")).toBe("127.0.0.1:5000");
    expect(registryOf("localhost/app")).toBe("localhost");
    expect(registryOf("acme/app-release")).toBeUndefined();
    expect(isLoopbackRegistry("127.0.0.1:5000")).toBe(true);
    expect(isLoopbackRegistry("registry.example:443")).toBe(false);
  });

  it("tells the failures apart by the engine's words", () => {
    expect(classifyRegistryFailure("no basic auth credentials", false)).toBe("not-logged-in");
    expect(
      classifyRegistryFailure(
        "Error response from daemon: login attempt to http://x/v2/ failed with status: 401 Unauthorized",
        false,
      ),
    ).toBe("unauthorized");
    expect(
      classifyRegistryFailure(
        'Get "http://127.0.0.1:5079/v2/": dial tcp 127.0.0.1:5079: connect: connection refused',
        false,
      ),
    ).toBe("unreachable");
    expect(classifyRegistryFailure("", true)).toBe("timeout");
  });

  it("reads the digest docker push reports", () => {
    expect(pushedDigest(`latest: digest: sha256:${"a".repeat(64)} size: 1570`)).toBe(
      `sha256:${"a".repeat(64)}`,
    );
    expect(pushedDigest("denied")).toBeUndefined();
  });
});
