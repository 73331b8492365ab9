// The top-level modules a wheel installs (what `import X` finds in site-packages), read from its
// member list: `test` checks that the tests imported these from the wheel, not from the source.
import { WheelZip } from "./wheel-zip.js";

export async function wheelTopLevelModules(file: string, filename: string): Promise<string[]> {
  const zip = await WheelZip.open(file, filename);
  try {
    const names = new Set<string>();
    for (const member of zip.members) {
      const first = member.name.split("/")[0]!;
      if (/\.(dist-info|data)$/.test(first) || first === "") continue;
      // `pkg/...`, `module.py`, `ext.cpython-311-x86_64-linux-gnu.so`: the name before the first dot.
      const top = member.name.includes("/") ? first : first.split(".")[0]!;
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(top)) names.add(top);
    }
    return [...names].sort();
  } finally {
    zip.close();
  }
}
