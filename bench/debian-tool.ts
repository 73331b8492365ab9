// The benchmark's optional tools (stress-ng for --load, strace for the process count) come from
// Debian's packages: installed with apt-get when missing, and said so on stderr.
import { run } from "./measure.js";

const has = (command: string) =>
  run(`command -v ${command}`).then(
    () => true,
    () => false,
  );

/** Makes `command` available from Debian package `pkg`; false when it is missing and cannot be installed. */
export async function ensureDebianTool(command: string, pkg: string, why: string): Promise<boolean> {
  if (await has(command)) return true;
  if (process.getuid?.() !== 0 || !(await has("apt-get"))) {
    process.stderr.write(`bench: ${command} is missing (${why}); install Debian's ${pkg} as root\n`);
    return false;
  }
  process.stderr.write(`bench: ${command} is missing (${why}): installing Debian's ${pkg}\n`);
  const install = `DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${pkg} >/dev/null`;
  // A fresh machine may have no package lists yet: update once, only when the install needs it.
  await run(install).catch(() => run(`apt-get update -q >/dev/null && ${install}`));
  return has(command);
}
