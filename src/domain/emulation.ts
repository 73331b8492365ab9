// Whether this machine can run a foreign architecture's containers, from the texts the kernel shows
// in binfmt_misc (issue 14, item 3). A container of another architecture runs on the engine only
// through a QEMU user-mode handler registered with the F ("fix binary") flag: the kernel opens the
// interpreter when the handler is registered, so it works inside a container whose file system has
// no qemu binary. Debian's qemu-user-static registers its handlers that way (flags POCF).

/** The platforms a fact can be asked about, with the QEMU handler that runs them and their `uname -m` names. */
const FOREIGN = {
  "linux/arm64": { handler: "qemu-aarch64", machines: ["aarch64", "arm64"] },
  "linux/amd64": { handler: "qemu-x86_64", machines: ["x86_64", "amd64"] },
} as const;

export type EmulatedPlatform = keyof typeof FOREIGN;

/** What the kernel says, as read (undefined: the file is not there). */
export interface BinfmtTexts {
  /** `uname -m` of this machine (Node's `os.machine()`). */
  machine: string;
  /** `/proc/sys/fs/binfmt_misc/status`: "enabled" or "disabled"; undefined when binfmt_misc is not mounted. */
  status: string | undefined;
  /** `/proc/sys/fs/binfmt_misc/<handler>`; undefined when no such handler is registered. */
  handler: string | undefined;
  /** Whether the handler's interpreter path exists on this machine now. */
  interpreterExists: boolean;
}

export interface BinfmtHandler {
  enabled: boolean;
  interpreter: string | undefined;
  flags: string;
}

export interface EmulationFact {
  platform: EmulatedPlatform;
  available: boolean;
  /** How it runs (`qemu-aarch64, F flag`, `native`) when available; why not, with what to do, when not. */
  reason: string;
}

/** The handler QEMU registers for a platform (`qemu-aarch64` for linux/arm64). */
export function emulationHandler(platform: EmulatedPlatform): string {
  return FOREIGN[platform].handler;
}

/** `enabled` / `interpreter PATH` / `flags: POCF` / ... as the kernel prints a handler. */
export function parseBinfmtHandler(text: string): BinfmtHandler {
  const lines = text.split("\n").map((line) => line.trim());
  const field = (name: string) =>
    lines.find((line) => line.startsWith(`${name} `) || line.startsWith(`${name}:`));
  const value = (line: string | undefined) => line?.replace(/^[a-z_]+:?\s*/, "").trim();
  return {
    enabled: lines[0] === "enabled",
    interpreter: value(field("interpreter")),
    flags: value(field("flags")) ?? "",
  };
}

/** Whether `platform`'s containers can run here, and how, or why not. */
export function emulationFact(platform: EmulatedPlatform, texts: BinfmtTexts): EmulationFact {
  const { handler: name, machines } = FOREIGN[platform];
  const fact = (available: boolean, reason: string): EmulationFact => ({ platform, available, reason });
  if ((machines as readonly string[]).includes(texts.machine))
    return fact(true, `native: this machine is ${texts.machine}`);
  if (texts.status === undefined)
    return fact(false, "binfmt_misc not mounted: mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc");
  if (texts.status.trim() !== "enabled")
    return fact(false, "binfmt_misc is disabled: echo 1 > /proc/sys/fs/binfmt_misc/status");
  if (texts.handler === undefined)
    return fact(false, `no ${name} handler: apt-get install qemu-user-static binfmt-support`);
  const handler = parseBinfmtHandler(texts.handler);
  if (!handler.enabled)
    return fact(false, `the ${name} handler is disabled: update-binfmts --enable ${name}`);
  if (!handler.flags.includes("F"))
    return fact(
      false,
      `${name} handler without the F flag: containers cannot use it (Debian's qemu-user-static registers it with F)`,
    );
  // With F the kernel opened the interpreter at registration: it still runs if the file went since.
  const gone = texts.interpreterExists
    ? ""
    : `; its interpreter ${handler.interpreter ?? ""} was removed after it was registered`;
  return fact(true, `${name}, F flag${gone}`);
}

/** The line `info` prints: `emulation: linux/arm64 available (qemu-aarch64, F flag)`. */
export function emulationText(fact: EmulationFact): string {
  return `emulation: ${fact.platform} ${fact.available ? "available" : "not available"} (${fact.reason})`;
}
