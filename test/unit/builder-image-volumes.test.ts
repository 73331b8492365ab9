// Issue 8: the builder image's VOLUME lines (the seed's /wheelhouse and /application) made two
// anonymous volumes per builder; `--rm` removes them with the container, but a killed engine left
// them behind for good. A tmpfs over each VOLUME path means the engine makes none.
import { describe, expect, it } from "vitest";
import { builderRunCommand, mountValue } from "../../src/domain/engine-commands.js";
import { builderContainerSpec } from "../../src/plan/builder-container.js";

const inputs = {
  name: "wheelwright-abc123",
  image: "acme/demo-builder:0123456789ab",
  labels: { "io.wheelwright.project": "acme/demo" },
  network: "host" as const,
  cacheVolume: "wheelwright-cache-acme-demo",
  readOnlyHostDirs: ["/opt/wheels"],
};

describe("the builder's mounts over its image's VOLUME paths", () => {
  it("a tmpfs at each VOLUME path, none where wheelwright mounts something already", () => {
    const spec = builderContainerSpec({ ...inputs, imageVolumes: ["/application", "/cache", "/wheelhouse"] });
    expect(spec.mounts.filter((mount) => mount.kind === "tmpfs").map((mount) => mount.target)).toEqual([
      "/application",
      "/wheelhouse",
    ]);
    expect(spec.mounts.filter((mount) => mount.target === "/cache")).toEqual([
      { kind: "volume", source: "wheelwright-cache-acme-demo", target: "/cache", readOnly: false },
    ]);
    const argv = builderRunCommand("docker", spec).argv;
    expect(argv).toContain("type=tmpfs,target=/application");
    expect(argv).toContain("type=tmpfs,target=/wheelhouse");
  });

  it("an image without VOLUME lines gets no tmpfs", () => {
    const spec = builderContainerSpec({ ...inputs, imageVolumes: [] });
    expect(spec.mounts.map((mount) => mount.kind)).toEqual(["volume", "bind"]);
  });

  it("a tmpfs mount value names no source and is CSV-quoted like the others", () => {
    expect(mountValue({ kind: "tmpfs", source: "", target: "/a,b", readOnly: false })).toBe(
      'type=tmpfs,"target=/a,b"',
    );
  });
});
