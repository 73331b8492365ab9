// Setup file of the unit project: no unit test may start a process. Every way to spawn one
// (child_process, and so execa, which calls it) throws, and a test that tried fails even when the
// code under test swallowed the throw (a runner turning it into exit 127, say).
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
import { afterEach } from "vitest";

const attempts: string[] = [];

const SPAWNERS = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;

for (const name of SPAWNERS) {
  Object.defineProperty(childProcess, name, {
    configurable: true,
    writable: true,
    value: (command: unknown, args?: unknown) => {
      const what = `${name}(${JSON.stringify(command)}${Array.isArray(args) ? `, ${JSON.stringify(args)}` : ""})`;
      attempts.push(what);
      throw new Error(`unit tests start no process, and this one tried: ${what}`);
    },
  });
}
// ESM imports of node:child_process (execa's `import {spawn}`) see the replacements from now on.
syncBuiltinESMExports();

afterEach(() => {
  const tried = attempts.splice(0);
  if (tried.length > 0) throw new Error(`a unit test tried to start processes: ${tried.join("; ")}`);
});
