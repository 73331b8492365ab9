// The workflow on podman (Debian's 4.3, rootful, host network): image --all, build, test, release,
// run, clean --all, with `--engine podman`, on a small fixture project with one dependency. The
// run's test images come from the Docker engine (`docker save | podman load`); everything the
// tests make in podman is removed at the end, and a leftover fails the file. Where podman answers
// differently from docker, src/engine/podman-cli.ts handles it (each place says why).
// In CI (or with WHEELWRIGHT_REQUIRE_ENGINE=1) podman missing or broken fails these tests.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, REPO_ROOT, runCli } from "../support/cli.js";
import { engineOrSkip, engineRequired, imageExists } from "../support/engine.js";
import { commitAll, makeProject, projectOf } from "../support/fixtures.js";
import {
  loadIntoPodman,
  podmanObjectsOf,
  podmanStatus,
  podmanSync,
  removePodmanObjects,
  sweepGonePodmanRuns,
} from "../support/podman.js";
import { testRun } from "../support/test-run.js";

const podman = podmanStatus();
const APP = "podapp";

/** The polls example's release Dockerfile, with a command that shows the app and its dependency. */
function releaseDockerfile(): string {
  const text = readFileSync(
    path.join(REPO_ROOT, "examples", "polls", "docker", "release", "Dockerfile"),
    "utf8",
  );
  const cmd = `CMD ["python", "-c", "import ${APP}, tinydep; print('${APP} runs with tinydep', tinydep.VERSION)"]`;
  const ours = text
    .replace('CMD ["python", "-m", "polls"]', cmd)
    .replace(/^(ENV POLLS_DATA|EXPOSE).*\n/gm, "");
  expect(ours, "the example's release Dockerfile changed: update this test").toContain(cmd);
  return ours;
}

const names = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
const volumes = () => names(podmanSync(["volume", "ls", "--format", "{{.Name}}"]).stdout);
const containers = () => names(podmanSync(["ps", "-a", "--format", "{{.Names}}"]).stdout);
const podmanHas = (reference: string) => podmanSync(["image", "exists", reference]).exitCode === 0;

describe.skipIf(engineOrSkip() || (!podman.works && !engineRequired))(
  "the workflow on podman: --engine podman, rootful, host network (real engine)",
  () => {
    let root = "";
    let volumesBefore: string[] = [];
    let containersBefore: string[] = [];
    const project = () => projectOf(APP);
    /** wheelwright with `--engine podman`, in the fixture project. */
    const ww = (...args: string[]): Promise<CliResult> =>
      runCli(["--engine", "podman", ...args], { cwd: root });
    const ok = async (...args: string[]): Promise<CliResult> => {
      const result = await ww(...args);
      expect(result.exitCode, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      return result;
    };

    beforeAll(async () => {
      if (!podman.works) {
        throw new Error(
          `podman does not work (${podman.why}), and this run requires it (CI or WHEELWRIGHT_REQUIRE_ENGINE=1): .ci/run installs it`,
        );
      }
      const run = testRun();
      sweepGonePodmanRuns(run);
      volumesBefore = volumes();
      containersBefore = containers();
      await loadIntoPodman([run.baseImage, run.builderImage]);
      root = makeProject({
        scenario: APP,
        dependencies: ["tinydep"],
        extraToolConfig: 'test-command = "python -m unittest discover -s tests -t tests -v"\n',
      });
      mkdirSync(path.join(root, "docker", "release"));
      writeFileSync(path.join(root, "docker", "release", "Dockerfile"), releaseDockerfile());
      mkdirSync(path.join(root, "tests"));
      writeFileSync(
        path.join(root, "tests", "test_value.py"),
        `import unittest\n\nimport ${APP}\n\n\nclass Value(unittest.TestCase):\n    def test_value(self):\n        self.assertEqual(${APP}.VALUE, 1)\n`,
      );
      commitAll(root, "release folder and a test");
    });

    afterAll(() => {
      if (!podman.works) return;
      const run = testRun();
      const left = removePodmanObjects(run);
      expect(left, "podman objects of the run that could not be removed").toEqual({
        containers: [],
        images: [],
        volumes: [],
      });
      expect(
        volumes().filter((v) => !volumesBefore.includes(v)),
        "volumes the tests left in podman",
      ).toEqual([]);
      expect(
        containers().filter((c) => !containersBefore.includes(c)),
        "containers left in podman",
      ).toEqual([]);
    });

    it("info: podman chosen by --engine, docker and local not tried", async () => {
      const { stdout } = await ok("info");
      expect(stdout).toMatch(/✓ podman +server \d+\.\d+\.\d+ answers at local storage/);
      expect(stdout).toMatch(/- docker +not tried: the engine is set to podman/);
    });

    it("image --all builds base and builder in podman, not in docker", async () => {
      const { stdout } = await ok("image", "--all");
      for (const context of ["base", "builder"]) {
        expect(stdout).toContain(`${project()}-${context}:latest`);
        expect(podmanHas(`${project()}-${context}:latest`), context).toBe(true);
        expect(imageExists(`${project()}-${context}:latest`), `${context} in docker`).toBe(false);
      }
    });

    it("build makes the wheelhouse: the app's wheel and its dependency's, nothing left running", async () => {
      await ok("build");
      const manifest = JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8")) as {
        wheels: { name: string; filename: string }[];
      };
      expect(manifest.wheels.map((w) => w.name).sort()).toEqual([APP, "tinydep"]);
      for (const wheel of manifest.wheels) {
        expect(
          readFileSync(path.join(root, "wheelhouse", wheel.filename))
            .subarray(0, 2)
            .toString(),
        ).toBe("PK");
      }
      // The builder went, and its work-folder volume with it (podman-cli.ts: the root is 0555).
      expect(podmanObjectsOf(testRun()).containers).toEqual([]);
      expect(volumes().filter((v) => !volumesBefore.includes(v))).toEqual([
        `wheelwright-cache-${project().replace("/", "-")}`,
      ]);
    });

    it("test installs the app from the wheelhouse and runs its tests", async () => {
      const { stdout, stderr } = await ok("test");
      expect(`${stdout}${stderr}`).toMatch(/Ran 1 test/);
      expect(`${stdout}${stderr}`).toMatch(/tests passed/);
    });

    it("release builds a non-root release image in podman that runs its command", async () => {
      const { stdout } = await ok("release");
      expect(stdout).toMatch(/user 10001/);
      const release = `${project()}-release:latest`;
      expect(podmanHas(release)).toBe(true);
      expect(podmanSync(["image", "inspect", "--format", "{{.Config.User}}", release]).stdout.trim()).toBe(
        "10001",
      );
      const tinydep = (
        JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8")) as {
          wheels: { name: string; version: string }[];
        }
      ).wheels.find((w) => w.name === "tinydep")!;
      const own = await ok("run");
      expect(own.stdout.trim()).toBe(`${APP} runs with tinydep ${tinydep.version}`);
    });

    it("release without podman's init binary says the check could not run (exit 4, catatonit named), never blames the Dockerfile", async () => {
      // The case: Debian's podman without catatonit. CONTAINERS_CONF replaces every
      // containers.conf (drop-ins too): keep the machine's drop-in settings, point init_path nowhere.
      const dropIns = "/etc/containers/containers.conf.d";
      const machine = existsSync(dropIns)
        ? readdirSync(dropIns)
            .filter((file) => file.endsWith(".conf"))
            .map((file) => readFileSync(path.join(dropIns, file), "utf8"))
            .join("\n")
        : "";
      const missingInit = 'init_path = "/nonexistent/catatonit"';
      const conf = path.join(mkdtempSync(path.join(testRun().tempRoot, "podman-conf-")), "containers.conf");
      writeFileSync(
        conf,
        machine.includes("[containers]")
          ? machine.replace("[containers]", `[containers]\n${missingInit}`)
          : `[containers]\n${missingInit}\n${machine}`,
      );
      const result = await runCli(["--engine", "podman", "release"], {
        cwd: root,
        env: { CONTAINERS_CONF: conf },
      });
      expect(result.exitCode, result.stderr).toBe(4);
      const error = result.stderr.slice(result.stderr.lastIndexOf("error:"));
      expect(error).toMatch(/podman cannot start a container with --init: its init binary is missing/);
      expect(error).toMatch(/catatonit/);
      expect(error).not.toMatch(/runs as root|USER|Dockerfile/);
      const candidates = names(
        podmanSync(["image", "ls", "--format", "{{.Tag}}", `${project()}-release`]).stdout,
      );
      expect(candidates.filter((tag) => tag.startsWith("wheelwright-candidate-"))).toEqual([]);
    });

    it("run returns the command's exit code, runs as the image's user, and tells a missing command", async () => {
      expect((await ok("run", "--", "id", "-u")).stdout.trim()).toBe("10001");
      expect((await ww("run", "--", "sh", "-c", "exit 42")).exitCode).toBe(42);
      // catatonit exits 1 when it cannot exec the command (docker says 127): still told apart.
      expect((await ww("run", "--", "sh", "-c", "exit 1")).exitCode).toBe(1);
      const missing = await ww("run", "--", "no-such-command");
      expect(missing.exitCode).toBe(3);
      expect(missing.stderr).toMatch(/'no-such-command' is not a command in the release image/);
      expect(podmanObjectsOf(testRun()).containers).toEqual([]);
    });

    it("clean --all leaves nothing of the project in podman but its tagged images", async () => {
      const { stdout } = await ok("clean", "--all");
      expect(stdout).toContain(`cache volume wheelwright-cache-${project().replace("/", "-")}`);
      const left = podmanObjectsOf(testRun());
      expect(left.containers).toEqual([]);
      expect(left.volumes).toEqual([]);
      expect(
        names(
          podmanSync([
            "image",
            "ls",
            "-q",
            "--filter",
            "dangling=true",
            "--filter",
            `label=io.wheelwright.project=${project()}`,
          ]).stdout,
        ),
      ).toEqual([]);
      expect(podmanHas(`${project()}-release:latest`), "the tagged release image stays").toBe(true);
    });
  },
);
