// Setup file of the unit project: each test file's temporary folders go under one folder of its
// own, removed when the file ends. Many tests make folders with mkdtemp and leave them (a
// workflow context's HOME, a written project); without this they piled up in /tmp by the thousand
// (each run left about 250), and what scans /tmp (a run's sweep of stale scratch folders) got slower.
// TMPDIR is the worker thread's own (a worker has its own copy of the environment), and is put
// back when the file ends, as the tier's rule for global state asks.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

const previous = process.env.TMPDIR;
const fileTmp = mkdtempSync(path.join(tmpdir(), "wheelwright-unit-file-"));
process.env.TMPDIR = fileTmp;

afterAll(() => {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  rmSync(fileTmp, { recursive: true, force: true });
});
