// A platform as a registry's manifest list names it (`os`, `architecture`, optional `variant`):
// what an image's config says it runs on, and what a target's `platform = "linux/arm64"` declares.
// Pure.

export interface Platform {
  os: string;
  architecture: string;
  /** `v8` for arm64, `v7` for arm/v7; undefined when the image's config gives none. */
  variant: string | undefined;
}

/** `linux/arm64/v8`, `linux/amd64`: how docker and podman write a platform. */
export function platformName(platform: Platform): string {
  return [platform.os, platform.architecture, ...(platform.variant ? [platform.variant] : [])].join("/");
}

/** `os/arch[/variant]` as a Platform (the text is checked by the config's pattern before this). */
export function parsePlatform(text: string): Platform {
  const [os = "", architecture = "", variant] = text.split("/");
  return { os, architecture, variant };
}

/**
 * Whether two platforms are one for a manifest list: an absent variant matches any (the config's
 * `linux/arm64` and an image that says `arm64/v8` are the same machine; arm64's only variant in
 * use is v8).
 */
export function samePlatform(a: Platform, b: Platform): boolean {
  return (
    a.os === b.os &&
    a.architecture === b.architecture &&
    (a.variant === undefined || b.variant === undefined || a.variant === b.variant)
  );
}
