// Issue 11's proof on the real engine: projects in the shapes real teams give them, each named after
// its shape, pass `wheelwright init` then `wheelwright all` with no edit to what init wrote; their
// tests ran against the installed wheel (each holds a probe test), the release image starts, lock
// files are installed exactly, and an empty commit rebuilds no dependency wheel.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { projectId } from "../../src/domain/labels.js";
import { runCli, sh, waitFor } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { removeProjectImages } from "../support/fault-world.js";
import { commitAll, GIT_ENV, git } from "../support/fixtures.js";
import { newestVersion } from "../support/mirror.js";
import { makeShapeProject, SHAPES, type Shape } from "../support/shapes.js";
import { RUN_LABEL, testRun } from "../support/test-run.js";

interface ManifestFacts {
  inputs: { sourceDateEpoch?: number };
  wheels: { name: string; version: string; filename: string; sha256: string }[];
}

function readManifest(root: string): ManifestFacts {
  return JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8")) as ManifestFacts;
}

function jsonEvents(stderr: string): { type: string; id?: string; message?: string; detail?: string }[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
}

interface Made {
  root: string;
  app: string;
}
const made = new Map<string, Made>();

/** `init` (a namespace is what any user gives) and a commit of what it wrote, then `all`. */
async function initThenAll(shape: Shape): Promise<Made & { all: Awaited<ReturnType<typeof runCli>> }> {
  const root = makeShapeProject(shape);
  made.set(shape.name, { root, app: shape.name });
  const init = await runCli(["init", "--namespace", testRun().namespace], { cwd: root });
  expect(init.exitCode, init.stderr).toBe(0);
  commitAll(root, "wheelwright init");
  const all = await runCli(["all"], { cwd: root });
  expect(all.exitCode, `${all.stdout.slice(-3000)}\n${all.stderr.slice(-5000)}`).toBe(0);
  return { root, app: shape.name, all };
}

const releaseOf = (root: string, app: string) =>
  `${testRun().namespace}/${app}-release:${git(root, "rev-parse", "--short=12", "HEAD")}`;

/** Starts the release's CMD (a server on port 8000) in a container of its own network and asks it `urlPath`. */
async function askServer(image: string, urlPath: string, signal: AbortSignal): Promise<string> {
  const name = `${testRun().namespace}-serve-${path.basename(image).replace(/[^a-z0-9]/g, "-")}`;
  await sh(`docker run -d --network none --label ${RUN_LABEL}=${testRun().id} --name ${name} ${image}`);
  try {
    let body = "";
    await waitFor(
      async () => {
        const ask = await execa(
          "docker",
          [
            "exec",
            name,
            "python",
            "-c",
            `import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8000${urlPath}", timeout=5).read().decode())`,
          ],
          { reject: false },
        );
        if (ask.exitCode === 0) body = String(ask.stdout);
        else if ((await sh(`docker inspect -f '{{.State.Running}}' ${name}`)) !== "true")
          throw new Error(`the release's CMD stopped: ${await sh(`docker logs ${name} 2>&1`)}`);
        return ask.exitCode === 0;
      },
      `${image}'s server`,
      signal,
    );
    return body;
  } finally {
    await sh(`docker rm -f ${name}`);
  }
}

describe.skipIf(engineOrSkip())(
  "real project shapes: init then all, unchanged (issue 11, real engine)",
  () => {
    afterAll(async () => {
      for (const { root, app } of made.values()) {
        await runCli(["clean", "--all"], { cwd: root });
        await removeProjectImages(projectId(testRun().namespace, app));
      }
    });

    for (const shape of SHAPES) {
      it(`${shape.name}: init, then all with no edit; the tests import the wheel and the release starts`, async ({
        signal,
      }) => {
        const { root, app, all } = await initThenAll(shape);
        // The tests passed, the probe among them (it fails on a source import).
        // (unittest and Django's runner report on stderr.)
        expect(`${all.stdout}\n${all.stderr}`).toMatch(shape.testsPassed);
        // init ignored the wheelhouse: the images are the commit's, never -dirty.
        const image = releaseOf(root, app);
        expect(all.stdout).toContain(image);

        if ("run" in shape.start) {
          if (shape.start.noCmd) {
            const bare = await runCli(["run"], { cwd: root });
            expect(bare.exitCode).toBe(3);
            expect(bare.stderr).toMatch(/has no CMD, and no command was given/);
          }
          const run = await runCli(["run", ...shape.start.run], { cwd: root });
          expect(run.exitCode, run.stderr).toBe(0);
          expect(run.stdout).toMatch(shape.start.prints);
        } else {
          expect(await askServer(image, shape.start.serves, signal)).toMatch(shape.start.answers);
        }

        if (shape.locked !== undefined) {
          const { name, version } = shape.locked;
          expect(newestVersion(name)).not.toBe(version);
          expect(
            readManifest(root)
              .wheels.filter((wheel) => wheel.name === name)
              .map((wheel) => wheel.version),
          ).toEqual([version]);
        }
      });
    }

    it("an empty commit, then build: no dependency wheel is rebuilt", async () => {
      const shape = SHAPES.find((candidate) => candidate.name === "flat-layout-tests-package")!;
      const { root } = made.get(shape.name) ?? (await initThenAll(shape));
      const manifest = () => readManifest(root);
      const before = manifest();
      const dependencies = before.wheels.filter((wheel) => wheel.name !== shape.name);
      const inodes = (wheels: { filename: string }[]) =>
        wheels.map((wheel) => [wheel.filename, statSync(path.join(root, "wheelhouse", wheel.filename)).ino]);
      const inodesBefore = inodes(dependencies);
      // An hour later than the fixture's commit: the commit time (SOURCE_DATE_EPOCH) changes.
      await execa("git", ["commit", "-q", "--allow-empty", "-m", "nothing changed"], {
        cwd: root,
        env: {
          ...GIT_ENV,
          GIT_COMMITTER_DATE: "2026-01-01T01:00:00Z",
          GIT_AUTHOR_DATE: "2026-01-01T01:00:00Z",
        },
      });

      const build = await runCli(["build", "test", "--json"], { cwd: root });
      expect(build.exitCode, build.stderr).toBe(0);
      const after = manifest();
      expect(after.inputs.sourceDateEpoch).toBe(before.inputs.sourceDateEpoch! + 3600);
      const notices = jsonEvents(build.stderr).filter((event) => event.type === "notice");
      expect(notices.map((event) => event.message).join("\n")).toMatch(
        /the app's wheel is rebuilt, the dependency wheels reused/,
      );
      // Only the app's wheel came out of the builder; every dependency wheel is the same file as before.
      const copied = jsonEvents(build.stderr).find(
        (event) => event.type === "step-finished" && event.id === "copy-out",
      );
      expect(copied?.detail).toBe("1 file");
      expect(inodes(after.wheels.filter((wheel) => wheel.name !== shape.name))).toEqual(inodesBefore);
      expect(after.wheels.find((wheel) => wheel.name === shape.name)?.sha256).not.toBe(
        before.wheels.find((wheel) => wheel.name === shape.name)?.sha256,
      );

      // And the runtime set alone (plain `build`) reuses its dependency wheels too.
      const runtime = await runCli(["build", "--json"], { cwd: root });
      expect(runtime.exitCode, runtime.stderr).toBe(0);
      const six = inodesBefore.filter(([file]) => String(file).startsWith("six-"));
      expect(six).toHaveLength(1);
      expect(inodes(manifest().wheels.filter((wheel) => wheel.name === "six"))).toEqual(six);
    });
  },
);
