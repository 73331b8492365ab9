// The builder session as `build --dry-run` prints it: its steps in the order the session runs them
// (the engine test plan-trace.test.ts compares them with a real run's argv), the cache volume made
// first only when the engine lacks it.
import { describe, expect, it } from "vitest";
import { BUILDER_PATHS, builderContainerSpec } from "../../src/plan/builder-container.js";
import { helperSessionSteps, planHelper } from "../../src/plan/helper-session.js";

const spec = builderContainerSpec({
  name: "wheelwright-abcd1234",
  image: "acme/app-builder:1",
  labels: { "io.wheelwright.project": "acme/app", "io.wheelwright.run": "abcd1234" },
  network: "host",
  cacheVolume: "wheelwright-cache-acme-app",
  readOnlyHostDirs: [],
  imageVolumes: [],
});
const helper = planHelper({
  paths: BUILDER_PATHS,
  python: "python3",
  index: { indexUrl: "file:///opt/pypi/simple", extraIndexUrls: [], findLinks: [], noIndex: false },
  expectName: "app",
  extras: [],
  groups: [],
  requirements: [],
  lock: null,
  appOnly: false,
  freshBuildEnv: false,
  jobs: 2,
  sourceDateEpoch: 1,
  staticRequires: undefined,
});

describe("helperSessionSteps", () => {
  it("copies the helper, the source, the netrc and the request in with one copy; then runs, freezes, copies out, removes", () => {
    const steps = helperSessionSteps("docker", spec, helper, {
      sourceFiles: 3,
      credentials: 1,
      cacheVolumeMissing: false,
    });
    const copy = steps.find((step) => step.id === `copy-in:${BUILDER_PATHS.root}`);
    expect(copy?.title).toBe(
      "copy the helper package (wheelwright_helper), the source (3 files), a netrc with 1 index credential(s) (mode 0600), the request (request.json, below) in",
    );
    expect(copy?.command?.argv).toEqual(["docker", "cp", "-", `${spec.name}:${BUILDER_PATHS.root}`]);
    expect(copy?.note).toContain('"version": 1');
    expect(steps.map((step) => step.id)).toEqual([
      "builder",
      `copy-in:${BUILDER_PATHS.root}`,
      "helper",
      "pause",
      "copy-out",
      "remove-builder",
    ]);
  });

  it("makes the cache volume first, with the builder's labels, when the engine lacks it", () => {
    const steps = helperSessionSteps("podman", spec, helper, {
      sourceFiles: 3,
      credentials: 0,
      cacheVolumeMissing: true,
    });
    expect(steps[0]).toMatchObject({
      id: "cache-volume",
      command: {
        argv: [
          "podman",
          "volume",
          "create",
          "--label",
          "io.wheelwright.project=acme/app",
          "--label",
          "io.wheelwright.run=abcd1234",
          "wheelwright-cache-acme-app",
        ],
        env: {},
      },
    });
    expect(steps.map((step) => step.id)).not.toContain(`copy-in:${BUILDER_PATHS.home}`);
  });
});
