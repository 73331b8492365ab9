// Reads what `init` needs to know how the application starts (domain/entry-point.ts decides): its
// console scripts, packages, `__main__` modules, runtime dependencies, and whether it is a Django,
// Flask or ASGI app. Only reads files; never runs the project's code.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { EntryFacts } from "../domain/entry-point.js";
import { normalizeName } from "../domain/names.js";
import { parseTomlFile, type StaticProjectMetadata } from "../domain/project-metadata.js";

const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : undefined);
const NOT_PACKAGES = new Set([
  "tests",
  "test",
  "testing",
  "docs",
  "doc",
  "examples",
  "build",
  "dist",
  "scripts",
  "benchmarks",
]);

function consoleScripts(source: string): Record<string, string> {
  const scripts: Record<string, string> = {};
  const pyproject = read(path.join(source, "pyproject.toml"));
  if (pyproject !== undefined) {
    const document = parseTomlFile(pyproject, "pyproject.toml") as {
      project?: { scripts?: Record<string, unknown> };
      tool?: { poetry?: { scripts?: Record<string, unknown> } };
    };
    for (const table of [document.project?.scripts, document.tool?.poetry?.scripts]) {
      for (const [name, target] of Object.entries(table ?? {}))
        if (typeof target === "string") scripts[name] = target;
    }
  }
  // setup.cfg's `console_scripts =` block and setup.py's "name = module:function" strings.
  const texts = [read(path.join(source, "setup.cfg")), read(path.join(source, "setup.py"))].filter(
    (t): t is string => t !== undefined,
  );
  for (const text of texts) {
    const block = /console_scripts\s*[=:]\s*\[?([\s\S]*?)(?:\]|\n\S|\n\s*\n|$)/.exec(text)?.[1] ?? "";
    for (const match of block.matchAll(/["']?([\w.-]+)\s*=\s*([\w.]+:[\w.]+)["']?/g))
      scripts[match[1]!] = match[2]!;
  }
  return scripts;
}

function packagesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^[A-Za-z_]\w*$/.test(name) && !NOT_PACKAGES.has(name))
    .filter((name) => existsSync(path.join(dir, name, "__init__.py")))
    .sort();
}

function setupPyRequires(text: string | undefined): string[] {
  const block = /install_requires\s*=\s*\[([\s\S]*?)\]/.exec(text ?? "")?.[1] ?? "";
  return [...block.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]!);
}

function djangoFacts(source: string): EntryFacts["django"] {
  const manage = read(path.join(source, "manage.py"));
  const settings = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']/.exec(manage ?? "")?.[1];
  if (settings === undefined) return undefined;
  const wsgi = settings.replace(/\.[^.]+$/, ".wsgi");
  const base = existsSync(path.join(source, "src")) ? [source, path.join(source, "src")] : [source];
  const exists = base.some((dir) => existsSync(path.join(dir, `${wsgi.replaceAll(".", "/")}.py`)));
  return { settings, wsgi: exists ? wsgi : undefined };
}

/** Modules (`pkg`, `pkg.sub`) of the packages, two levels deep, with their text. */
function moduleTexts(root: string, packages: string[]): [string, string][] {
  const found: [string, string][] = [];
  for (const pkg of packages) {
    for (const name of readdirSync(path.join(root, pkg))) {
      const file = path.join(root, pkg, name);
      if (name === "__init__.py") found.push([pkg, readFileSync(file, "utf8")]);
      else if (name.endsWith(".py") && statSync(file).isFile())
        found.push([`${pkg}.${name.slice(0, -3)}`, readFileSync(file, "utf8")]);
    }
  }
  return found;
}

export function readEntryFacts(source: string, metadata: StaticProjectMetadata): EntryFacts {
  const root =
    existsSync(path.join(source, "src")) && packagesIn(path.join(source, "src")).length > 0
      ? path.join(source, "src")
      : source;
  const packages = packagesIn(root);
  const declared = metadata.dependencies ?? setupPyRequires(read(path.join(source, "setup.py")));
  const named = declared.map((req) => normalizeName(req.split(/[\s[<>=!~;(@]/)[0] ?? ""));
  // FastAPI's `standard` (and older `all`) extra brings uvicorn: that is how its docs install it.
  const viaExtras = declared.some((req) => /^\s*fastapi\s*\[[^\]]*\b(standard|all)\b/i.test(req))
    ? ["uvicorn"]
    : [];
  const dependencies = [...new Set([...named, ...viaExtras])];
  const modules = moduleTexts(root, packages);
  const has = (name: string) => dependencies.includes(name);
  const flaskModule = has("flask")
    ? modules.find(([, text]) => /^def create_app\(/m.test(text) || /^app\s*=\s*Flask\(/m.test(text))
    : undefined;
  const asgiModule =
    has("fastapi") || has("starlette")
      ? modules.find(([, text]) => /^app\s*=\s*(FastAPI|Starlette)\(/m.test(text))
      : undefined;
  return {
    scripts: consoleScripts(source),
    packages,
    mainPackages: packages.filter((pkg) => existsSync(path.join(root, pkg, "__main__.py"))),
    dependencies,
    django: djangoFacts(source),
    ...(flaskModule === undefined
      ? {}
      : { flask: { module: flaskModule[0], factory: /^def create_app\(/m.test(flaskModule[1]) } }),
    ...(asgiModule === undefined ? {} : { asgi: `${asgiModule[0]}:app` }),
  };
}
