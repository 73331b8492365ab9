#!/usr/bin/env node
// Lists what a reader cannot hold in mind: functions (and methods, arrow functions) over 60 lines and
// files over 300 lines under src/. Declarative tables are exempt: an object or array literal is not a
// function. Exits 1 when anything is listed, so `npm run check` fails on it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const MAX_FUNCTION_LINES = 60;
const MAX_FILE_LINES = 300;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "src");

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (name.endsWith(".ts")) yield full;
  }
}

function functionName(node) {
  if (node.name !== undefined) return node.name.getText();
  const parent = node.parent;
  if (parent !== undefined && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent !== undefined && ts.isPropertyAssignment(parent)) return parent.name.getText();
  return "(anonymous)";
}

const offenders = [];
for (const file of sourceFiles(root)) {
  const text = readFileSync(file, "utf8");
  const relative = path.relative(path.dirname(root), file);
  const lines = text.split("\n").length;
  if (lines > MAX_FILE_LINES) offenders.push(`${relative}: ${lines} lines (file; at most ${MAX_FILE_LINES})`);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const length = end - start + 1;
      if (length > MAX_FUNCTION_LINES)
        offenders.push(`${relative}:${start + 1}: ${functionName(node)} is ${length} lines (at most ${MAX_FUNCTION_LINES})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
if (offenders.length > 0) {
  process.stderr.write(`Too long to hold in mind (split them):\n${offenders.map((o) => `  ${o}`).join("\n")}\n`);
  process.exit(1);
}
process.stdout.write(`sizes: no function over ${MAX_FUNCTION_LINES} lines, no file over ${MAX_FILE_LINES} under src/\n`);
