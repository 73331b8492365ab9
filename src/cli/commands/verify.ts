// `wheelwright verify REF [--commit SHA]`: checks a pushed image against the provenance `push`
// attached to it (issue 13). Run in a git work tree, the expected commit is its HEAD; `--commit`
// names one anywhere. Exit 0 with a summary, 14 (ProvenanceMismatchError) naming what differs.
import path from "node:path";
import type { EngineChoice } from "../../config/schema.js";
import { requireContainerEngine } from "../../engine/detect.js";
import { UsageError } from "../../errors.js";
import { readGitFacts } from "../../project/git.js";
import { verifyImage } from "../../workflows/verify-image.js";
import { type Session, workflowContext } from "../session.js";

export interface VerifyOptions {
  commit?: string;
}

/** Seconds each registry request may take. */
const REQUEST_TIMEOUT_MS = 60_000;

async function expectedCommit(
  session: Session,
  ctx: ReturnType<typeof workflowContext>,
  options: VerifyOptions,
) {
  if (options.commit !== undefined) {
    if (!/^[0-9a-f]{7,40}$/i.test(options.commit))
      throw new UsageError(`--commit: '${options.commit}' is not a commit id (7 to 40 hexadecimal digits)`);
    return { sha: options.commit.toLowerCase(), from: "--commit" };
  }
  const root = path.resolve(session.cwd);
  const git = await readGitFacts(root, ctx.runner, ctx.env);
  return git.kind === "commit" ? { sha: git.sha, from: `HEAD of ${root}` } : undefined;
}

export async function verifyCommand(
  session: Session,
  reference: string,
  options: VerifyOptions,
): Promise<void> {
  const ctx = workflowContext(session);
  const choice =
    (session.flags.engine as EngineChoice | undefined) ??
    (session.env.WHEELWRIGHT_ENGINE as EngineChoice | undefined) ??
    "auto";
  const result = await verifyImage(
    ctx,
    { reference, expectedCommit: await expectedCommit(session, ctx, options), timeoutMs: REQUEST_TIMEOUT_MS },
    async () => requireContainerEngine(await ctx.detectEngine(choice), "verify").engine,
  );
  if (session.json) {
    session.out(`${JSON.stringify({ version: 1, verified: result }, null, 2)}\n`);
    return;
  }
  const commit = result.commitChecked
    ? result.commit.slice(0, 12)
    : `${result.commit.slice(0, 12)} (not compared: not in a git work tree, no --commit)`;
  session.out(
    `verified: ${result.image} built from commit ${commit} by wheelwright ${result.tool ?? "(unknown version)"}; ${result.wheels} wheel${result.wheels === 1 ? "" : "s"} match the provenance\n`,
  );
}
