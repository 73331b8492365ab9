// The command lines that publish a manifest list (issue 14: a family's targets as one multi-arch
// image): docker's `manifest` commands and podman's differ in shape, so each has its sequence here.
// Members are named by digest (`repo@sha256:...`), so the list holds exactly the images pushed.
// Pure: the adapter (src/engine/manifest-list-publisher.ts) runs them, and tests read them.
import { configEnv, type EngineBinary, type EngineCommand } from "./engine-commands.js";
import { type Platform, platformName } from "./platform.js";

export interface ManifestListMember {
  /** The pushed image by digest: `127.0.0.1:5000/acme/app-release@sha256:...`. */
  reference: string;
  /** What the image's config says it runs on (the list's entry for it says the same). */
  platform: Platform;
}

export interface ManifestListCommands {
  /**
   * Removes a local list of that name a failed earlier run may have left (its exit code means
   * nothing: usually there is none). Without it, `create` refuses, and `create --amend` would keep
   * the old run's members in the new list.
   */
  discard: EngineCommand;
  /** Run in order; the first that fails stops the publication. The last one pushes. */
  steps: EngineCommand[];
}

const platformFlags = (platform: Platform): string[] => [
  "--os",
  platform.os,
  "--arch",
  platform.architecture,
  ...(platform.variant === undefined ? [] : ["--variant", platform.variant]),
];

/**
 * docker: `manifest create` a local list of the members, `annotate` each with its platform (create
 * reads it from the image's config too; saying it keeps the list what wheelwright decided), then
 * `manifest push --purge`, which prints the list's digest and drops the local copy. A loopback
 * registry needs --insecure (plain HTTP) on create and push, as on `manifest inspect`.
 */
function dockerCommands(
  list: string,
  members: readonly ManifestListMember[],
  insecure: boolean,
  env: Record<string, string>,
): ManifestListCommands {
  const tls = insecure ? ["--insecure"] : [];
  return {
    discard: { argv: ["docker", "manifest", "rm", list], env },
    steps: [
      { argv: ["docker", "manifest", "create", ...tls, list, ...members.map((m) => m.reference)], env },
      ...members.map((member) => ({
        argv: ["docker", "manifest", "annotate", ...platformFlags(member.platform), list, member.reference],
        env,
      })),
      { argv: ["docker", "manifest", "push", ...tls, "--purge", list], env },
    ],
  };
}

/**
 * podman: a local list image, `manifest add` each member from the registry (`docker://`) with its
 * platform, then `manifest push --all=false` (the members are in the registry already) with `--rm`;
 * podman prints no digest, so it writes it to `digestFile`.
 */
function podmanCommands(
  list: string,
  members: readonly ManifestListMember[],
  insecure: boolean,
  env: Record<string, string>,
  digestFile: string,
): ManifestListCommands {
  const tls = insecure ? ["--tls-verify=false"] : [];
  return {
    discard: { argv: ["podman", "manifest", "rm", list], env },
    steps: [
      { argv: ["podman", "manifest", "create", list], env },
      ...members.map((member) => ({
        argv: [
          "podman",
          "manifest",
          "add",
          ...tls,
          ...platformFlags(member.platform),
          list,
          `docker://${member.reference}`,
        ],
        env,
      })),
      {
        argv: [
          "podman",
          "manifest",
          "push",
          "--all=false",
          ...tls,
          "--rm",
          "--digestfile",
          digestFile,
          list,
          `docker://${list}`,
        ],
        env,
      },
    ],
  };
}

export function manifestListCommands(
  binary: EngineBinary,
  list: string,
  members: readonly ManifestListMember[],
  options: { insecure: boolean; configDir: string | undefined; digestFile: string },
): ManifestListCommands {
  const env = options.configDir === undefined ? {} : configEnv(binary, options.configDir);
  return binary === "podman"
    ? podmanCommands(list, members, options.insecure, env, options.digestFile)
    : dockerCommands(list, members, options.insecure, env);
}

/** The member lines a plan or a summary prints: `linux/arm64/v8 repo@sha256:...`. */
export function memberLine(member: ManifestListMember): string {
  return `${platformName(member.platform)} ${member.reference}`;
}
