// `wheelwright init`: scaffolds the config, docker/base, docker/builder, docker/release and a
// .dockerignore in an existing Python project. Refuses to overwrite a file unless --force.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type ConfigKey, KEY_NAMES } from "../../config/schema.js";
import { normalizeName } from "../../domain/names.js";
import { readStaticMetadata } from "../../domain/project-metadata.js";
import { scaffoldFiles } from "../../domain/scaffold.js";
import { detectEngine } from "../../engine/detect.js";
import { InputError } from "../../errors.js";
import type { Session } from "../session.js";

const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : undefined);

export async function initCommand(session: Session, options: { force?: boolean }): Promise<void> {
  const root = session.cwd;
  const metadata = readStaticMetadata({
    pyproject: read(path.join(root, "pyproject.toml")),
    setupCfg: read(path.join(root, "setup.cfg")),
    setupPy: read(path.join(root, "setup.py")),
  });
  const name = (session.flags.app as string | undefined) ?? metadata.name;
  if (name === undefined) {
    throw new InputError("The project's name cannot be read without running its code", {
      hint: "Give it: `wheelwright init --app NAME`.",
    });
  }
  if (metadata.toolTable !== undefined && !options.force) {
    throw new InputError("pyproject.toml already has a [tool.wheelwright] table", {
      hint: "The project is set up already. `--force` writes wheelwright.toml, which then takes precedence.",
    });
  }
  const config: Record<string, string | boolean | string[]> = {};
  for (const key of KEY_NAMES) {
    const value = session.flags[key as ConfigKey];
    if (value !== undefined) config[key] = value as string | boolean | string[];
  }
  if (config.network === undefined) config.network = await networkFor(session);
  const files = scaffoldFiles({ name, module: normalizeName(name).replace(/-/g, "_"), config });
  const existing = Object.keys(files).filter((file) => existsSync(path.join(root, file)));
  if (existing.length > 0 && !options.force) {
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
  session.out(
    `${Object.keys(files)
      .map((file) => `wrote ${file}`)
      .join("\n")}\nnext: wheelwright all   (or: wheelwright image --all && wheelwright build)\n`,
  );
}

/** `host` where the engine has no default bridge (as on machines started with --bridge=none), else the engine's default. */
async function networkFor(session: Session): Promise<string> {
  const detection = await detectEngine({ choice: "auto", env: session.env, runner: session.runner });
  if (detection.kind !== "container") return "default";
  return (await detection.engine.hasDefaultNetwork()) ? "default" : "host";
}
