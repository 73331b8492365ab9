// A builder container's command started before its inputs are in (issue 12: the engine's set-up of
// the helper's exec overlaps the source's copy-in): on a real engine it waits, already started,
// until the host allows it, then sees what was copied in meanwhile; refused, it runs nothing.
import { describe, expect, it } from "vitest";
import { DockerCli } from "../../src/engine/docker-cli.js";
import type { RunningContainer } from "../../src/engine/engine.js";
import { realProcessRunner } from "../../src/engine/process-runner.js";
import { tarStream } from "../../src/execute/tar-bytes.js";
import { waitFor } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { RUN_LABEL, testRun } from "../support/test-run.js";

const FOLDER = "/tmp/early";

async function withContainer(name: string, use: (container: RunningContainer) => Promise<void>) {
  const run = testRun();
  const engine = new DockerCli({ binary: "docker", runner: realProcessRunner, env: process.env });
  const container = await engine.startContainer({
    name: `${run.namespace}-${name}`,
    image: "debian:bookworm-slim",
    labels: { [RUN_LABEL]: run.id },
    network: "none",
    mounts: [],
    makeDirs: [FOLDER],
  });
  try {
    await use(container);
  } finally {
    await container.stop();
  }
}

/** Whether a process of the container waits for its go (the exec's shell, started early). */
async function waitingForGo(container: RunningContainer): Promise<boolean> {
  const found = await container.exec(["sh", "-c", "grep -l 'read -r go' /proc/[0-9]*/cmdline || true"]);
  return found.output.trim() !== "";
}

describe.skipIf(engineOrSkip())("a command started before its inputs are in (real engine)", () => {
  it("waits, started, until allowed, then runs with what was copied in meanwhile", async ({ signal }) => {
    await withContainer("early-exec", async (container) => {
      let allow: () => void = () => undefined;
      const allowed = new Promise<void>((resolve) => {
        allow = resolve;
      });
      const started = container.exec(["cat", `${FOLDER}/input.txt`], { startWhen: allowed });
      // Started in the engine (its shell is there), and not run: the file is not in yet.
      await waitFor(() => waitingForGo(container), "the early command's shell to start", signal);
      await container.copyIn(
        await tarStream([{ name: "input.txt", content: "copied in\n", mode: 0o644 }]),
        FOLDER,
      );
      allow();
      const result = await started;
      expect(result).toMatchObject({ exitCode: 0, output: "copied in\n" });
    });
  });

  it("refused (its inputs never went in), it exits 1 and runs nothing", async ({ signal }) => {
    await withContainer("refused-exec", async (container) => {
      let refuse: (error: Error) => void = () => undefined;
      const refused = new Promise<void>((_resolve, reject) => {
        refuse = reject;
      });
      const started = container.exec(["touch", `${FOLDER}/ran`], { startWhen: refused });
      await waitFor(() => waitingForGo(container), "the early command's shell to start", signal);
      refuse(new Error("the copy-in failed"));
      expect((await started).exitCode).toBe(1);
      const after = await container.exec(["sh", "-c", `test -e ${FOLDER}/ran && echo ran || echo not run`]);
      expect(after.output.trim()).toBe("not run");
    });
  });
});
