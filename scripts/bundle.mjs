// The CLI as users run it: one ESM bundle (dist/bundle/wheelwright.js), what the package's bin
// runs. Node 20 resolves and compiles every ESM file of an unbundled tree on each
// start (about 150 of ours, and zod's and execa's), which was most of a no-op build's time.
// The bundle sits one folder below dist/ like the tsc output, so the `../../assets` and
// `../../package.json` paths the code resolves from import.meta.url hold in it too.
import { build } from "esbuild";

await build({
  entryPoints: { wheelwright: "src/cli/main.ts" },
  outdir: "dist/bundle",
  bundle: true,
  // One file: fewer module loads than chunks, and V8 compiles the functions that run lazily.
  splitting: false,
  format: "esm",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: "linked",
  // CommonJS dependencies bundled into ESM call require() for Node's built-ins.
  banner: { js: "import { createRequire as __wwRequire } from 'node:module'; const require = __wwRequire(import.meta.url);" },
  logLevel: "warning",
});
