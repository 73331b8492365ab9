// Provenance on push and `wheelwright verify` (issue 13) against a real registry 2.8 on 127.0.0.1:
// push attaches an in-toto SLSA v1 statement through the referrers tag schema (read back here with
// plain HTTP, as the README shows), verify accepts the image, and refuses (exit 14) an image changed
// and pushed under the same tag, a copied provenance whose subject is another digest, and a commit
// other than the one recorded.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, sh } from "../support/cli.js";
import { engineOrSkip } from "../support/engine.js";
import { copyPolls, git } from "../support/fixtures.js";
import { type Registry, startRegistry } from "../support/registry.js";
import { testRun } from "../support/test-run.js";

const INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
}
interface IndexDoc {
  manifests: Descriptor[];
}
interface ArtifactDoc {
  subject: Descriptor;
  layers: Descriptor[];
}
interface StatementDoc {
  _type: string;
  subject: { digest: { sha256: string } }[];
  predicateType: string;
  predicate: {
    buildDefinition: { resolvedDependencies: { name: string; digest: Record<string, string> }[] };
  };
}
interface ManifestDoc {
  wheels: { sha256: string; sets: string[] }[];
}

async function getJson<T>(url: string, accept: string): Promise<{ body: T; contentType: string }> {
  const response = await fetch(url, { headers: { Accept: accept } });
  expect(response.status, url).toBe(200);
  return { body: (await response.json()) as T, contentType: response.headers.get("content-type") ?? "" };
}

async function putManifest(url: string, body: unknown, mediaType: string): Promise<string> {
  const bytes = Buffer.from(JSON.stringify(body));
  const response = await fetch(url, { method: "PUT", headers: { "Content-Type": mediaType }, body: bytes });
  expect(response.status, await response.text()).toBe(201);
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

describe.skipIf(engineOrSkip())("provenance on push, and verify (real registry 2.8)", () => {
  let registry: Registry;
  let root: string;
  let sha: string;
  let repository: string;
  let api: string;
  let env: Record<string, string>;
  const made: string[] = [];

  beforeAll(async () => {
    registry = await startRegistry();
    root = copyPolls();
    for (const command of [["build"], ["release"]]) {
      const result = await runCli(command, { cwd: root });
      expect(result.exitCode, result.stderr).toBe(0);
    }
    sha = git(root, "rev-parse", "--short=12", "HEAD");
    const namespace = `${registry.address}/${testRun().namespace}`;
    repository = `${namespace}/polls-release`;
    api = `http://${registry.address}/v2/${testRun().namespace}/polls-release`;
    await sh(`docker tag ${testRun().namespace}/polls-release:${sha} ${repository}:${sha}`);
    made.push(`${repository}:${sha}`, `${repository}:latest`);
    env = {
      WHEELWRIGHT_NAMESPACE: namespace,
      DOCKER_CONFIG: mkdtempSync(path.join(testRun().tempRoot, "docker-config-")),
    };
  });
  afterAll(async () => {
    for (const image of made) await sh(`docker image rm -f ${image} || true`);
    await registry?.stop();
  });

  let digest: string;

  it("push attaches an in-toto SLSA v1 statement, listed under the referrers tag, that plain HTTP reads", async () => {
    const result = await runCli(["push"], { cwd: root, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const pushed = result.stdout.split("\n").find((line) => line.startsWith(`${repository}:${sha}@`))!;
    digest = pushed.split("@")[1]!;
    const hex = digest.slice("sha256:".length);
    expect(result.stdout).toContain(
      `provenance: ${repository}@${digest} (in-toto SLSA v1) -> ${repository}:sha256-${hex}`,
    );

    const index = await getJson<IndexDoc>(`${api}/manifests/sha256-${hex}`, INDEX);
    expect(index.contentType).toBe(INDEX);
    expect(index.body.manifests).toHaveLength(1);
    const entry = index.body.manifests[0]!;
    expect(entry.artifactType).toBe("application/vnd.in-toto+json");
    const artifact = await getJson<ArtifactDoc>(`${api}/manifests/${entry.digest}`, OCI_MANIFEST);
    expect(artifact.body.subject.digest).toBe(digest);
    const subject = await fetch(`${api}/manifests/${digest}`, {
      headers: { Accept: artifact.body.subject.mediaType },
    });
    expect(artifact.body.subject.size).toBe((await subject.arrayBuffer()).byteLength);
    const statement = await getJson<StatementDoc>(`${api}/blobs/${artifact.body.layers[0]!.digest}`, "*/*");
    expect(statement.body._type).toBe("https://in-toto.io/Statement/v1");
    expect(statement.body.subject[0]!.digest.sha256).toBe(hex);
    expect(statement.body.predicateType).toBe("https://slsa.dev/provenance/v1");
    const deps = statement.body.predicate.buildDefinition.resolvedDependencies;
    expect(deps.find((d) => d.name === "source")?.digest.gitCommit).toBe(git(root, "rev-parse", "HEAD"));
    const manifestBytes = readFileSync(path.join(root, "wheelhouse", "manifest.json"));
    expect(deps.find((d) => d.name === "manifest.json")?.digest.sha256).toBe(
      createHash("sha256").update(manifestBytes).digest("hex"),
    );
    const runtime = (JSON.parse(manifestBytes.toString()) as ManifestDoc).wheels.filter((w) =>
      w.sets.includes("runtime"),
    );
    expect(
      deps
        .filter((d) => d.name.startsWith("wheel:"))
        .map((d) => d.digest.sha256)
        .sort(),
    ).toEqual(runtime.map((w) => w.sha256).sort());
  });

  it("a second push keeps another tool's referrer and replaces its own", async () => {
    const hex = digest.slice("sha256:".length);
    const index = (await getJson<IndexDoc>(`${api}/manifests/sha256-${hex}`, INDEX)).body;
    const foreign = {
      mediaType: OCI_MANIFEST,
      digest: index.manifests[0]!.digest,
      size: index.manifests[0]!.size,
      artifactType: "application/vnd.example.signature",
    };
    await putManifest(
      `${api}/manifests/sha256-${hex}`,
      { ...index, manifests: [foreign, ...index.manifests] },
      INDEX,
    );
    const again = await runCli(["push"], { cwd: root, env });
    expect(again.exitCode, again.stderr).toBe(0);
    const after = (await getJson<IndexDoc>(`${api}/manifests/sha256-${hex}`, INDEX)).body.manifests;
    expect(after.map((m) => m.artifactType).sort()).toEqual([
      "application/vnd.example.signature",
      "application/vnd.in-toto+json",
    ]);
  });

  it("verify: the pushed image matches its provenance", async () => {
    const result = await runCli(["verify", `${repository}:${sha}`], { cwd: root, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(root, "wheelhouse", "manifest.json"), "utf8"));
    const runtime = manifest.wheels.filter((w: { sets: string[] }) => w.sets.includes("runtime")).length;
    expect(result.stdout.trim()).toBe(
      `verified: ${repository}@${digest} built from commit ${sha} by wheelwright 0.1.0; ${runtime} wheels match the provenance`,
    );
  });

  it("verify: another commit than the recorded one (--commit, or HEAD moved on) fails with exit 14", async () => {
    const other = await runCli(["verify", `${repository}@${digest}`, "--commit", "0123456789abcdef"], {
      cwd: root,
      env,
    });
    expect(other.exitCode).toBe(14);
    expect(other.stderr).toContain("commit mismatch");
    const moved = mkdtempSync(path.join(testRun().tempRoot, "moved-"));
    git(moved, "init", "-q", "-b", "main");
    git(moved, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "other");
    const head = await runCli(["verify", `${repository}@${digest}`], { cwd: moved, env });
    expect(head.exitCode).toBe(14);
    expect(head.stderr).toContain(
      `commit mismatch: the image was built from ${git(root, "rev-parse", "HEAD")}`,
    );
  });

  it("verify: an image whose layer changed, pushed under the same tag, fails (no provenance, then a copied one's subject)", async () => {
    const context = mkdtempSync(path.join(testRun().tempRoot, "tampered-"));
    mkdirSync(context, { recursive: true });
    writeFileSync(path.join(context, "tampered.py"), "print('not from the wheelhouse')\n");
    writeFileSync(
      path.join(context, "Dockerfile"),
      `FROM ${repository}@${digest}\nCOPY tampered.py /appenv/lib/python3.11/site-packages/tampered.py\n`,
    );
    await sh(`DOCKER_BUILDKIT=0 docker build -q --network none -t ${repository}:${sha} ${context}`);
    await sh(`docker push -q ${repository}:${sha}`, { env });
    const changed = await fetch(`${api}/manifests/${sha}`, {
      method: "HEAD",
      headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" },
    });
    const newDigest = changed.headers.get("docker-content-digest")!;
    expect(newDigest).not.toBe(digest);

    const none = await runCli(["verify", `${repository}:${sha}`], { cwd: root, env });
    expect(none.exitCode).toBe(14);
    expect(none.stderr).toContain(`${repository}@${newDigest} has no provenance`);

    // Someone copies the old image's referrers index to the new digest's tag: the subject gives it away.
    const old = (await getJson<IndexDoc>(`${api}/manifests/sha256-${digest.slice(7)}`, INDEX)).body;
    await putManifest(`${api}/manifests/sha256-${newDigest.slice(7)}`, old, INDEX);
    const copied = await runCli(["verify", `${repository}:${sha}`], { cwd: root, env });
    expect(copied.exitCode).toBe(14);
    expect(copied.stderr).toContain(
      `subject digest mismatch: the provenance refers to ${digest}, the image is ${newDigest}`,
    );
  });
});
