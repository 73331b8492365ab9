// `--load`: one CPU kept busy by stress-ng for the whole run, beside both sides alike, to show
// the ratios hold on a busy CI runner. The stressor dies with the benchmark even if the benchmark
// is killed (setpriv's parent-death signal), so it never outlives the run.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { ensureDebianTool } from "./debian-tool.js";

export interface Load {
  description: string;
  stop(): Promise<void>;
}

export async function startLoad(): Promise<Load> {
  if (!(await ensureDebianTool("stress-ng", "stress-ng", "--load runs it"))) {
    throw new Error("--load needs stress-ng (Debian's stress-ng package)");
  }
  const child: ChildProcess = spawn(
    "setpriv",
    ["--pdeathsig", "TERM", "stress-ng", "--cpu", "1", "--timeout", "0", "--quiet"],
    { stdio: "ignore" },
  );
  await once(child, "spawn");
  process.stderr.write(`bench: load: stress-ng --cpu 1 running (pid ${child.pid})\n`);
  return {
    description: "stress-ng --cpu 1 beside both sides",
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
