// The CLI as users run it: one bundle (dist/bundle/wheelwright.cjs) and the package's bin
// (dist/bundle/wheelwright.js, src/cli/launch.ts), which runs the bundle with V8's code cache.
// Node 20 resolves and compiles every ESM file of an unbundled tree on each start (about 150 of
// ours, and zod's and execa's), which was most of a no-op build's time; the bundle is CommonJS so
// that the bin can compile it as one script with cached data (Node 20 has no ESM compile cache).
// The bundle sits one folder below dist/ like the tsc output, so the `../../assets` and
// `../../package.json` paths the code resolves from import.meta.url hold in it too.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: true,
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: { wheelwright: "src/cli/main.ts" },
  outdir: "dist/bundle",
  outExtension: { ".js": ".cjs" },
  // One file: fewer module loads than chunks, and V8 compiles the functions that run lazily.
  splitting: false,
  format: "cjs",
  sourcemap: "linked",
  // The sources are ESM: their import.meta.url is the bundle's own file URL.
  define: { "import.meta.url": "__wwImportMetaUrl" },
  banner: { js: "const __wwImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// esbuild turns a dynamic import() of bundled code into require(), but leaves one of Node's own
// modules as import(); the bin compiles the bundle as a script, where Node before 20.12 cannot load
// it (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). Import Node's modules statically instead.
const dynamic = readFileSync("dist/bundle/wheelwright.cjs", "utf8").match(/\bimport\(\s*["'`][^"'`]*["'`]\s*\)/g);
if (dynamic !== null) {
  console.error(`bundle: dynamic import() left in dist/bundle/wheelwright.cjs: ${[...new Set(dynamic)].join(", ")}`);
  process.exit(1);
}

await build({
  ...common,
  entryPoints: { wheelwright: "src/cli/launch.ts" },
  outdir: "dist/bundle",
  format: "esm",
});
