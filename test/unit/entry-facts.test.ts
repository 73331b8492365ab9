import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deriveEntryPoint } from "../../src/domain/entry-point.js";
import { readStaticMetadata } from "../../src/domain/project-metadata.js";
import { readEntryFacts } from "../../src/project/entry-facts.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "wheelwright-unit-"));
  made.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

/** A project of one `app` package holding `main` (app/main.py), depending on `dependency`. */
function factsOf(dependency: string, main: string) {
  const pyproject = `[project]\nname = "svc"\nversion = "0.1.0"\ndependencies = ["${dependency}"]\n`;
  const root = project({ "pyproject.toml": pyproject, "app/__init__.py": "", "app/main.py": main });
  return readEntryFacts(root, readStaticMetadata({ pyproject, setupCfg: undefined, setupPy: undefined }));
}

describe("init's entry facts, read from the files", () => {
  it("fastapi[standard] brings uvicorn: the ASGI app is served by it", () => {
    const facts = factsOf(
      "fastapi[standard]>=0.112",
      "from fastapi import FastAPI\n\napp = FastAPI(dependencies=[])\n",
    );
    expect(facts.asgi).toBe("app.main:app");
    expect(deriveEntryPoint(facts).cmd).toEqual([
      "uvicorn",
      "--host",
      "0.0.0.0",
      "--port",
      "8000",
      "app.main:app",
    ]);
  });

  it("plain fastapi without a server gets no uvicorn CMD", () => {
    const facts = factsOf("fastapi", "from fastapi import FastAPI\n\napp = FastAPI()\n");
    expect(deriveEntryPoint(facts).cmd?.[0]).not.toBe("uvicorn");
  });
});
