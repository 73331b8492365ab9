// `wheelwright init`: scaffolds the config, docker/base, docker/builder, docker/release and a
// .dockerignore in an existing Python project. Refuses to overwrite a file unless forced.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { normalizeName } from "../domain/names.js";
import { readStaticMetadata } from "../domain/project-metadata.js";
import { scaffoldFiles } from "../domain/scaffold.js";
import { InputError } from "../errors.js";
import type { WorkflowContext } from "./context.js";

export interface InitRequest {
  root: string;
  /** Config values given on the command line, written into wheelwright.toml. */
  config: Record<string, string | boolean | string[] | number>;
  force: boolean;
}

const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : undefined);

/** Writes the scaffold; returns the files written (relative to the project). */
export async function initProject(ctx: WorkflowContext, request: InitRequest): Promise<string[]> {
  const { root } = request;
  const metadata = readStaticMetadata({
    pyproject: read(path.join(root, "pyproject.toml")),
    setupCfg: read(path.join(root, "setup.cfg")),
    setupPy: read(path.join(root, "setup.py")),
  });
  const name = (request.config.app as string | undefined) ?? metadata.name;
  if (name === undefined) {
    throw new InputError("The project's name cannot be read without running its code", {
      hint: "Give it: `wheelwright init --app NAME`.",
    });
  }
  if (metadata.toolTable !== undefined && !request.force) {
    throw new InputError("pyproject.toml already has a [tool.wheelwright] table", {
      hint: "The project is set up already. `--force` writes wheelwright.toml, which then takes precedence.",
    });
  }
  const config = { ...request.config };
  if (config.network === undefined) config.network = await networkFor(ctx);
  const files = scaffoldFiles({ name, module: normalizeName(name).replace(/-/g, "_"), config });
  const existing = Object.keys(files).filter((file) => existsSync(path.join(root, file)));
  if (existing.length > 0 && !request.force) {
    throw new InputError(
      `Not overwriting existing file${existing.length > 1 ? "s" : ""}: ${existing.join(", ")}`,
      {
        hint: "Move them away, or run `wheelwright init --force` to replace them.",
      },
    );
  }
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return Object.keys(files);
}

/** `host` where the engine has no default bridge (as on machines started with --bridge=none), else the engine's default. */
async function networkFor(ctx: WorkflowContext): Promise<string> {
  const detection = await ctx.detectEngine("auto");
  if (detection.kind !== "container") return "default";
  return (await detection.engine.hasDefaultNetwork()) ? "default" : "host";
}
