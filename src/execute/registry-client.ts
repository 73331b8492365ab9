// The OCI distribution API over Node's fetch, for the registry wheel cache: manifests (HEAD, GET,
// PUT, DELETE), blobs (GET streamed to a file with its sha256 computed on the way, monolithic
// POST+PUT uploads), tags/list. Plain http only for loopback hosts (cache-ref.ts). A 401 is
// answered once per action (registry-auth.ts). Every request has its own deadline
// (`cache-timeout`) besides the run's signal. Credentials and tokens go to the redactor and into
// headers only: never into argv, events or an error's text.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CacheRef } from "../domain/cache-ref.js";
import { RegistryError } from "../errors.js";
import type { CacheRegistry } from "./cache-registry.js";
import { type Action, type AuthWorld, RegistryAuth } from "./registry-auth.js";

export interface RegistryClientWorld extends AuthWorld {
  signal: AbortSignal;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** What messages call the registry: "wheel cache" (the default) or "registry" (push's provenance, verify). */
  label?: string;
}

const MANIFEST_ACCEPT = "application/vnd.oci.image.manifest.v1+json";

export class RegistryClient implements CacheRegistry {
  private readonly auth: RegistryAuth;

  constructor(
    readonly ref: CacheRef,
    private readonly world: RegistryClientWorld,
  ) {
    this.auth = new RegistryAuth(ref, world, (url, init, what) => this.send(url, init, what));
  }

  private url(rest: string): string {
    return `${this.ref.baseUrl}/v2/${this.ref.repository}/${rest}`;
  }

  /** One fetch under the run's signal and this request's deadline; network failures become RegistryErrors. */
  private async send(url: string, init: RequestInit, what: string): Promise<Response> {
    const signal = AbortSignal.any([this.world.signal, AbortSignal.timeout(this.world.timeoutMs)]);
    try {
      return await (this.world.fetch ?? fetch)(url, { ...init, signal, redirect: "follow" });
    } catch (error) {
      throw this.failure(error, what);
    }
  }

  private failure(error: unknown, what: string): unknown {
    if (this.world.signal.aborted) return this.world.signal.reason ?? error;
    const name = (error as { name?: string }).name;
    if (name === "TimeoutError" || name === "AbortError")
      return new RegistryError(
        `The ${this.world.label ?? "wheel cache"} ${this.ref.registry} did not answer in ${this.world.timeoutMs / 1000} s: ${what} was stopped`,
        {
          hint:
            this.world.label === undefined
              ? "The registry hangs or is very slow; raise `cache-timeout` if it is only slow."
              : "The registry hangs or is very slow.",
        },
      );
    if (error instanceof RegistryError) return error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new RegistryError(
      `The ${this.world.label ?? "wheel cache"} ${this.ref.registry} cannot be reached: ${what} failed`,
      {
        details: [cause?.code ?? cause?.message ?? (error as Error).message ?? String(error)],
        hint: "Check that the registry is running and that `cache` names the right host and port.",
      },
    );
  }

  /** A request, answering a 401 challenge once per action (Basic, or a Bearer token for the scope). */
  private async request(
    method: string,
    rest: string,
    action: Action,
    what: string,
    extra: { headers?: Record<string, string>; body?: Buffer; url?: string } = {},
  ): Promise<Response> {
    const url = extra.url ?? this.url(rest);
    const attempt = () => {
      const auth = this.auth.header(action);
      const headers = { ...extra.headers, ...(auth === undefined ? {} : { Authorization: auth }) };
      return this.send(
        url,
        { method, headers, ...(extra.body === undefined ? {} : { body: extra.body }) },
        what,
      );
    };
    const first = await attempt();
    if (first.status !== 401 || this.auth.header(action) !== undefined) return this.checkAuth(first, what);
    await first.body?.cancel();
    await this.auth.answer(first.headers.get("www-authenticate"), action, what);
    return this.checkAuth(await attempt(), what);
  }

  private checkAuth(response: Response, what: string): Response {
    if (response.status !== 401 && response.status !== 403) return response;
    void response.body?.cancel();
    throw this.auth.refused(response.status, what);
  }

  private async refused(response: Response, what: string): Promise<RegistryError> {
    const text = await response.text().catch(() => "");
    const codes = /"code"\s*:\s*"([A-Z_]+)"/.exec(text)?.[1];
    return new RegistryError(
      `The ${this.world.label ?? "wheel cache"} ${this.ref.registry} answered ${response.status}${codes === undefined ? "" : ` (${codes})`} to ${what}`,
    );
  }

  async manifestDigest(reference: string, accept = MANIFEST_ACCEPT): Promise<string | undefined> {
    const what = `the lookup of ${reference}`;
    const response = await this.request("HEAD", `manifests/${reference}`, "pull", what, {
      headers: { Accept: accept },
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.refused(response, what);
    return response.headers.get("docker-content-digest") ?? reference;
  }

  /** `accept`: the media types asked for (comma-separated); the answer says which one it is. */
  async getManifest(reference: string, maxBytes: number, accept = MANIFEST_ACCEPT) {
    const what = `the download of the manifest ${reference}`;
    const response = await this.request("GET", `manifests/${reference}`, "pull", what, {
      headers: { Accept: accept },
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) throw await this.refused(response, what);
    const bytes = await this.readCapped(response, maxBytes, what);
    const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
    return { bytes, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, mediaType };
  }

  private async readCapped(response: Response, maxBytes: number, what: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of Readable.fromWeb(response.body! as never)) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) throw new RegistryError(`${what}: more than ${maxBytes} bytes`);
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      throw this.failure(error, what);
    }
    return Buffer.concat(chunks);
  }

  async getBlobBytes(digest: string, maxBytes: number): Promise<Buffer> {
    const what = `the download of ${digest}`;
    const response = await this.request("GET", `blobs/${digest}`, "pull", what);
    if (!response.ok) throw await this.refused(response, what);
    return this.readCapped(response, maxBytes, what);
  }

  async getBlob(digest: string, file: string, maxBytes: number): Promise<string> {
    const what = `the download of ${digest}`;
    const response = await this.request("GET", `blobs/${digest}`, "pull", what);
    if (!response.ok || response.body === null) throw await this.refused(response, what);
    const hash = createHash("sha256");
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new RegistryError(`${what}: more than ${maxBytes} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as never), counted, createWriteStream(file));
    } catch (error) {
      throw this.failure(error, what);
    }
    return hash.digest("hex");
  }

  async hasBlob(digest: string): Promise<boolean> {
    const what = `the check of ${digest}`;
    const response = await this.request("HEAD", `blobs/${digest}`, "pull,push", what);
    if (response.status === 404) return false;
    if (!response.ok) throw await this.refused(response, what);
    return true;
  }

  async putBlob(digest: string, bytes: Buffer): Promise<void> {
    const what = `the upload of ${digest}`;
    const started = await this.request("POST", "blobs/uploads/", "pull,push", what);
    await started.body?.cancel();
    const location = started.headers.get("location");
    if (started.status !== 202 || location === null) throw await this.refused(started, what);
    const upload = new URL(location, `${this.ref.baseUrl}/`);
    if (upload.origin !== new URL(this.ref.baseUrl).origin)
      throw new RegistryError(
        `The ${this.world.label ?? "wheel cache"} ${this.ref.registry} sent the upload of ${digest} elsewhere`,
      );
    upload.searchParams.set("digest", digest);
    const done = await this.request("PUT", "", "pull,push", what, {
      url: upload.toString(),
      headers: { "Content-Type": "application/octet-stream" },
      body: bytes,
    });
    if (done.status !== 201) throw await this.refused(done, what);
    await done.body?.cancel();
  }

  async putManifest(tag: string, bytes: Buffer, mediaType: string): Promise<string> {
    const what = `the push of ${tag}`;
    const response = await this.request("PUT", `manifests/${tag}`, "pull,push", what, {
      headers: { "Content-Type": mediaType },
      body: bytes,
    });
    if (response.status !== 201) throw await this.refused(response, what);
    await response.body?.cancel();
    return (
      response.headers.get("docker-content-digest") ??
      `sha256:${createHash("sha256").update(bytes).digest("hex")}`
    );
  }

  async listTags(): Promise<string[]> {
    const what = "the tag list";
    const tags: string[] = [];
    let next: string | undefined = this.url("tags/list?n=1000");
    // A registry pages by Link headers; a cap keeps a hostile one from looping us forever.
    for (let page = 0; next !== undefined && page < 1000; page++) {
      const response: Response = await this.request("GET", "", "pull", what, { url: next });
      if (response.status === 404) {
        await response.body?.cancel();
        return tags;
      }
      if (!response.ok) throw await this.refused(response, what);
      const body = JSON.parse((await this.readCapped(response, 16 * 1024 * 1024, what)).toString()) as {
        tags?: unknown;
      };
      if (Array.isArray(body.tags))
        tags.push(...body.tags.filter((tag): tag is string => typeof tag === "string"));
      const link = /<([^>]+)>;\s*rel="?next"?/.exec(response.headers.get("link") ?? "")?.[1];
      const url = link === undefined ? undefined : new URL(link, `${this.ref.baseUrl}/`);
      // The next page on another host would get this registry's credentials: not followed.
      next = url?.origin === new URL(this.ref.baseUrl).origin ? url.toString() : undefined;
    }
    return tags;
  }

  async deleteManifest(digest: string): Promise<void> {
    const what = `the deletion of ${digest}`;
    const response = await this.request("DELETE", `manifests/${digest}`, "delete", what);
    if (response.status === 405) {
      await response.body?.cancel();
      throw new RegistryError(
        `The ${this.world.label ?? "wheel cache"} ${this.ref.registry} does not allow deleting (405): ${what} was refused`,
        {
          hint: "Enable deletion in the registry's config (`storage: delete: enabled: true`, or REGISTRY_STORAGE_DELETE_ENABLED=true for registry 2.8), then prune again.",
        },
      );
    }
    if (response.status === 404) return;
    if (!response.ok) throw await this.refused(response, what);
    await response.body?.cancel();
  }
}
