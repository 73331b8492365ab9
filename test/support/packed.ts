// The packed tool, installed as a user installs it: `npm pack` of the repository, then
// `npm install -g --prefix <run folder>/prefix <tarball>`. Made once per test run (the e2e files
// share it; it is only read), removed with the run's folder.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "./run-facts.js";
import { testRun } from "./test-run.js";

export interface PackedTool {
  tarball: string;
  prefix: string;
  /** `<prefix>/bin/wheelwright`. */
  bin: string;
  /** Where npm put the package's files. */
  packageDir: string;
}

/** npm settings for installs in tests: the local cache first (the registry is reachable, but slow to ask). */
export const NPM_QUIET = {
  npm_config_prefer_offline: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
};

async function npm(args: string[], cwd: string): Promise<string> {
  const result = await execa("npm", args, { cwd, env: { ...process.env, ...NPM_QUIET }, reject: false });
  if (result.exitCode !== 0) {
    throw new Error(
      `npm ${args.join(" ")} failed (${result.exitCode}):\n${String(result.stderr).slice(-3000)}`,
    );
  }
  return String(result.stdout);
}

export async function packedTool(): Promise<PackedTool> {
  const dir = path.join(testRun().tempRoot, "packed");
  const prefix = path.join(dir, "prefix");
  const done = path.join(dir, "installed.json");
  if (existsSync(done)) return JSON.parse(readFileSync(done, "utf8")) as PackedTool;
  mkdirSync(dir, { recursive: true });
  // `prepare` compiles dist/ first: the tarball holds what the sources say now.
  const [packed] = JSON.parse(await npm(["pack", "--json", "--pack-destination", dir], REPO_ROOT)) as {
    filename: string;
  }[];
  const tarball = path.join(dir, packed!.filename);
  console.log(`e2e: packed ${packed!.filename}; installing it into ${prefix}`);
  await npm(["install", "-g", "--prefix", prefix, tarball], dir);
  const tool: PackedTool = {
    tarball,
    prefix,
    bin: path.join(prefix, "bin", "wheelwright"),
    packageDir: path.join(prefix, "lib", "node_modules", "wheelwright"),
  };
  writeFileSync(done, JSON.stringify(tool));
  return tool;
}
