#!/usr/bin/env node
// The package's bin: runs the CLI's bundle (wheelwright.cjs beside this file, scripts/bundle.mjs)
// with V8's code cache. Node 20 has no module compile cache, and compiling the 1.5 MB bundle on
// every start was a third of a no-op `build` (0.5 s -> 0.37 s with the cache, measured). The cache
// is V8's own data for this bundle and this Node: V8 refuses data made by another version or for
// other source, and then the bundle is compiled as usual and the cache written again. One file per
// command, written when the run ends, so it holds the functions that command compiled. Any failure
// to read or write it only costs the compile; it never fails the run.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
// The namespace, not named imports: vm.constants is new in Node 20.12, and a missing named export
// of a built-in would stop this module from loading at all on an older Node 20.
import vm from "node:vm";
import { localCacheDir } from "../execute/cache-dir.js";

/** A run that used less CPU than this writes the cache (see the exit handler below). */
const SHORT_RUN_CPU_MS = 1000;
const bundle = fileURLToPath(new URL("./wheelwright.cjs", import.meta.url));
const source = readFileSync(bundle, "utf8").replace(/^#!.*/, "");

/** The cache's folder and this bundle's key: changes with the bundle and Node. */
function cacheLocation(): { dir: string; key: string; file: string } {
  const dir = path.join(localCacheDir(process.env), "code-cache");
  const stat = statSync(bundle);
  const key = `${process.version}-${stat.size}-${Math.trunc(stat.mtimeMs)}`;
  const word = process.argv.slice(2).find((arg) => !arg.startsWith("-")) ?? "";
  const command = /^[a-z][a-z-]{0,15}$/.test(word) ? word : "other";
  return { dir, key, file: path.join(dir, `${key}-${command}.bin`) };
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache (another run's files for an older bundle go): atomically, or not at all. */
function writeCache(location: ReturnType<typeof cacheLocation>, data: Buffer): void {
  try {
    mkdirSync(location.dir, { recursive: true });
    for (const name of readdirSync(location.dir))
      if (!name.startsWith(`${location.key}-`)) rmSync(path.join(location.dir, name), { force: true });
    const temporary = `${location.file}.${process.pid}.tmp`;
    writeFileSync(temporary, data);
    renameSync(temporary, location.file);
  } catch {
    // A read-only or full cache folder: the next run compiles the bundle, as without a cache.
  }
}

let location: ReturnType<typeof cacheLocation> | undefined;
try {
  location = cacheLocation();
} catch {
  location = undefined;
}
const cached = location === undefined ? undefined : readCache(location.file);
const script = new vm.Script(Module.wrap(source), {
  filename: bundle,
  // A dynamic import() in the bundle loads as it would in a module of its own (Node 20.12+ has the
  // constant); scripts/bundle.mjs refuses a bundle that has one, as Node 20.9 could not run it here.
  ...(vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER === undefined
    ? {}
    : { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }),
  ...(cached === undefined ? {} : { cachedData: cached }),
});
if (location !== undefined && (cached === undefined || script.cachedDataRejected === true)) {
  const where = location;
  // At the exit of a short run (main.ts ends with process.exit): the data then holds every function
  // that run compiled. A long run's would not help the runs the cache is for: V8 drops the bytecode
  // of functions that have not run for a while (as the run's collections age it), so a cold build's
  // data lacked most of what a no-op needs (measured: a no-op was no faster with it). The next short
  // run writes it instead. Short is in CPU time, which a busy machine does not stretch as it does
  // the wall clock.
  process.once("exit", () => {
    const { user, system } = process.cpuUsage();
    if ((user + system) / 1000 < SHORT_RUN_CPU_MS) writeCache(where, script.createCachedData());
  });
}
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(
  module.exports,
  module.exports,
  createRequire(bundle),
  module,
  bundle,
  path.dirname(bundle),
);
