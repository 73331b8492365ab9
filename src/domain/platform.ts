// Container platforms (`os/arch[/variant]`) as engines and images name them, and what a builder's
// platform means for a build (issue 14, item 3): a target that declares a platform its builder image
// is not built for is refused before anything runs (the label would lie), and a builder of another
// architecture than the engine's runs under QEMU user emulation, which the progress says. Pure.

/** `uname -m` and Go names of one architecture, as engines print them. */
const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x86_64: "amd64",
  x64: "amd64",
  aarch64: "arm64",
  armhf: "arm",
  i386: "386",
  i686: "386",
};
/** The variant an architecture has when none is named (Docker prints `linux/arm64/v8`). */
const DEFAULT_VARIANT: Readonly<Record<string, string>> = { arm64: "v8" };

/** `linux/arm64` from an engine's or an image's Os, Architecture and Variant fields. */
export function platformOf(os: string | undefined, arch: string | undefined, variant?: string): string {
  const name = (arch ?? "").toLowerCase();
  const canonical = ARCH_ALIASES[name] ?? name;
  const parts = [(os ?? "linux").toLowerCase() || "linux", canonical || "unknown"];
  if (variant !== undefined && variant !== "" && DEFAULT_VARIANT[canonical] !== variant.toLowerCase())
    parts.push(variant.toLowerCase());
  return parts.join("/");
}

/** `linux/arm64/v8` and `linux/aarch64` are `linux/arm64`. */
export function normalizePlatform(platform: string): string {
  const [os, arch, variant] = platform.split("/");
  return platformOf(os, arch, variant);
}

export function samePlatform(a: string, b: string): boolean {
  return normalizePlatform(a) === normalizePlatform(b);
}

export type BuilderPlatform =
  | { kind: "native"; platform: string }
  | { kind: "emulated"; platform: string; engine: string }
  | { kind: "mismatch"; declared: string; image: string };

/**
 * What the builder's platform means here: `declared` is the target's platform (undefined: none
 * declared), `image` the builder image's, `engine` the engine's own.
 */
export function judgeBuilderPlatform(
  declared: string | undefined,
  image: string,
  engine: string,
): BuilderPlatform {
  if (declared !== undefined && !samePlatform(declared, image))
    return { kind: "mismatch", declared: normalizePlatform(declared), image: normalizePlatform(image) };
  if (samePlatform(image, engine)) return { kind: "native", platform: normalizePlatform(image) };
  return { kind: "emulated", platform: normalizePlatform(image), engine: normalizePlatform(engine) };
}

/** What the progress says of an emulated builder: `linux/arm64 under QEMU emulation on linux/amd64: slow`. */
export function emulatedText(judged: { platform: string; engine: string }): string {
  return `${judged.platform} under QEMU emulation on ${judged.engine}: expect it several times slower than a native build`;
}

/** A platform as a registry's manifest list names it (`os`, `architecture`, optional `variant`). */
export interface Platform {
  os: string;
  architecture: string;
  /** `v7` for arm/v7, `v8` for arm64 (its default, written out as registries list it); else undefined. */
  variant: string | undefined;
}

/** `linux/arm64/v8`, `linux/amd64`: how docker and podman write a platform. */
export function platformName(platform: Platform): string {
  return [platform.os, platform.architecture, ...(platform.variant ? [platform.variant] : [])].join("/");
}

/** `os/arch[/variant]` as a Platform, normalized (`linux/aarch64` is linux/arm64/v8). */
export function parsePlatform(text: string): Platform {
  const [os = "", architecture = "", variant] = normalizePlatform(text).split("/");
  return { os, architecture, variant: variant ?? DEFAULT_VARIANT[architecture] };
}
