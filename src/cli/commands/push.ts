// `wheelwright push [TAG...]`, the seed's `make login` + `make push`: pushes the release image (and
// with --all-images the project's other images) to the registry its namespace names, then checks
// that the registry's digest equals the one pushed. Credentials come from the engine's own login or
// credential helper, or --password-stdin: never argv, never printed.
import { imageRepository, tagProblem } from "../../domain/image-ref.js";
import { createRedactor } from "../../domain/index-settings.js";
import { contextImageName } from "../../domain/names.js";
import {
  classifyRegistryFailure,
  isLoopbackRegistry,
  pushedDigest,
  registryOf,
} from "../../domain/registry.js";
import { requireContainerEngine } from "../../engine/detect.js";
import { InputError, RegistryError, UsageError } from "../../errors.js";
import { listContextFolders } from "../../project/contexts.js";
import { releaseImageOfThisCommit } from "../release-image.js";
import { detectSessionEngine, loadSessionProject, type Session } from "../session.js";

export interface PushOptions {
  allImages?: boolean;
  username?: string;
  passwordStdin?: boolean;
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer | string));
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

function registryFailure(registry: string, what: string, output: string, timedOut: boolean): RegistryError {
  const where = registry === "" ? "the default registry" : registry;
  switch (classifyRegistryFailure(output, timedOut)) {
    case "not-logged-in":
      return new RegistryError(`Not logged in to ${where}: ${what} was refused`, {
        hint: `Log in first (\`docker login ${registry}\`), or pass --username and the password on stdin with --password-stdin.`,
      });
    case "unauthorized":
      return new RegistryError(`${where} refused the credentials (401 Unauthorized): ${what} failed`, {
        hint: "Check the user name and password (or token) for this registry.",
      });
    case "unreachable":
      return new RegistryError(`${where} cannot be reached: ${what} failed`, {
        details: output.trim().split("\n").slice(-3),
        hint: "Check that the registry is running and that the namespace names the right host and port.",
      });
    case "timeout":
      return new RegistryError(`${where} did not answer in time: ${what} was stopped`, {
        hint: "The registry hangs or is very slow; raise `timeout` if it is only slow.",
      });
    default:
      return new RegistryError(`${what} to ${where} failed`, {
        details: output.trim().split("\n").slice(-5),
      });
  }
}

export async function pushCommand(
  session: Session,
  extraTags: string[],
  options: PushOptions,
): Promise<void> {
  if (options.passwordStdin && options.username === undefined)
    throw new UsageError("--password-stdin needs --username");
  const project = loadSessionProject(session);
  const bad = extraTags.filter((tag) => tagProblem(tag) !== undefined);
  if (bad.length > 0)
    throw new InputError(`Invalid tag: ${bad.map((tag) => `'${tag}' ${tagProblem(tag)}`).join("; ")}`);
  const { namespace, app, version } = project.config;
  const { repository: releaseRepository, tag: primary } = await releaseImageOfThisCommit(session, project);
  const registry = registryOf(releaseRepository) ?? "";
  const { engine } = requireContainerEngine(await detectSessionEngine(session, project), "push");

  const release = `${releaseRepository}:${primary}`;
  if ((await engine.inspectImage(release)) === undefined) {
    throw new InputError(`There is no release image ${release} for this commit`, {
      hint: "Run `wheelwright release` first.",
    });
  }
  const references = [
    ...new Set([primary, version.value, ...extraTags].map((tag) => `${releaseRepository}:${tag}`)),
  ];
  if (options.allImages) {
    for (const folder of listContextFolders(project.root, project.imagesDir)) {
      const context = contextImageName(folder.folder);
      if (
        folder.dockerfile === undefined ||
        context === contextImageName(project.config.releaseContext.value)
      )
        continue;
      const repository = imageRepository(namespace.value, app.value, context);
      if ((await engine.inspectImage(`${repository}:${primary}`)) === undefined) {
        throw new InputError(`There is no image ${repository}:${primary} to push`, {
          hint: "Run `wheelwright image --all` first.",
        });
      }
      references.push(`${repository}:${primary}`, `${repository}:${version.value}`);
    }
  }
  // The version tag and each TAG name this commit's release image.
  for (const tag of [version.value, ...extraTags]) {
    if (tag !== primary) await engine.tagImage(release, `${releaseRepository}:${tag}`);
  }

  if (options.passwordStdin) {
    const password = await readStdin(session.stdin ?? process.stdin);
    session.setRedactor(createRedactor(password.length >= 3 ? [password] : []));
    const login = await engine.login(registry, options.username!, password);
    if (login.exitCode !== 0) throw registryFailure(registry, "the login", login.output, login.timedOut);
  }
  const timeoutMs = project.config.timeout.value * 1000;
  const pushed: string[] = [];
  for (const reference of [...new Set(references)]) {
    session.emit({ type: "step-started", id: `push:${reference}`, title: `push ${reference}` });
    const started = session.clock();
    const result = await engine.push(reference, {
      timeoutMs,
      signal: session.signal,
      onOutput: (line, stream) => session.emit({ type: "output", id: `push:${reference}`, line, stream }),
    });
    const seconds = (session.clock() - started) / 1000;
    session.signal.throwIfAborted();
    const digest = pushedDigest(result.output);
    if (result.exitCode !== 0 || digest === undefined) {
      session.emit({ type: "step-failed", id: `push:${reference}`, title: `push ${reference}`, seconds });
      throw registryFailure(registry, `the push of ${reference}`, result.output, result.timedOut);
    }
    // The registry must hold exactly what was pushed.
    const remote = await engine.remoteDigest(reference, isLoopbackRegistry(registryOf(reference)));
    if (remote !== digest) {
      session.emit({ type: "step-failed", id: `push:${reference}`, title: `push ${reference}`, seconds });
      throw new RegistryError(
        `${registry || "the registry"} holds ${remote ?? "nothing"} for ${reference}, not the ${digest} pushed`,
        {
          hint: "Another push may have raced this one; push again.",
        },
      );
    }
    session.emit({
      type: "step-finished",
      id: `push:${reference}`,
      title: `push ${reference}`,
      seconds,
      detail: digest,
    });
    pushed.push(`${reference}@${digest}`);
  }
  session.out(
    session.json ? `${JSON.stringify({ version: 1, pushed }, null, 2)}\n` : `${pushed.join("\n")}\n`,
  );
}
