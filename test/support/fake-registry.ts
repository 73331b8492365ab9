// An in-memory registry behind the wheel cache's CacheRegistry interface (unit tests): manifests by
// tag and digest, blobs by digest, every call recorded; `down` makes every call fail as an
// unreachable registry does, and a test may damage a blob in place.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseCacheRef } from "../../src/domain/cache-ref.js";
import { RegistryError } from "../../src/errors.js";
import type { CacheRegistry } from "../../src/execute/cache-registry.js";

const digestOf = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

export class FakeRegistry implements CacheRegistry {
  readonly ref = parseCacheRef("127.0.0.1:5000/acme/wheels");
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, Buffer>();
  readonly tags = new Map<string, string>();
  readonly calls: string[] = [];
  down = false;

  private call(what: string): void {
    this.calls.push(what);
    if (this.down)
      throw new RegistryError(`The wheel cache ${this.ref.registry} cannot be reached: ${what} failed`);
  }

  private resolve(reference: string): string | undefined {
    return reference.startsWith("sha256:") ? reference : this.tags.get(reference);
  }

  async manifestDigest(reference: string) {
    this.call(`HEAD manifest ${reference}`);
    const digest = this.resolve(reference);
    return digest !== undefined && this.manifests.has(digest) ? digest : undefined;
  }

  async getManifest(reference: string, maxBytes: number) {
    this.call(`GET manifest ${reference}`);
    const digest = this.resolve(reference);
    const bytes = digest === undefined ? undefined : this.manifests.get(digest);
    if (bytes === undefined || digest === undefined) return undefined;
    if (bytes.length > maxBytes) throw new RegistryError("too big");
    return { bytes, digest };
  }

  private blob(digest: string): Buffer {
    const bytes = this.blobs.get(digest);
    if (bytes === undefined)
      throw new RegistryError(`The wheel cache answered 404 to the download of ${digest}`);
    return bytes;
  }

  async getBlob(digest: string, file: string, maxBytes: number) {
    this.call(`GET blob ${digest}`);
    const bytes = this.blob(digest);
    if (bytes.length > maxBytes) throw new RegistryError(`more than ${maxBytes} bytes`);
    writeFileSync(file, bytes);
    return createHash("sha256").update(bytes).digest("hex");
  }

  async getBlobBytes(digest: string, maxBytes: number) {
    this.call(`GET blob ${digest}`);
    const bytes = this.blob(digest);
    if (bytes.length > maxBytes) throw new RegistryError(`more than ${maxBytes} bytes`);
    return bytes;
  }

  async hasBlob(digest: string) {
    this.call(`HEAD blob ${digest}`);
    return this.blobs.has(digest);
  }

  async putBlob(digest: string, bytes: Buffer) {
    this.call(`PUT blob ${digest}`);
    if (digestOf(bytes) !== digest) throw new RegistryError("DIGEST_INVALID");
    this.blobs.set(digest, bytes);
  }

  async putManifest(tag: string, bytes: Buffer) {
    this.call(`PUT manifest ${tag}`);
    const digest = digestOf(bytes);
    this.manifests.set(digest, bytes);
    this.tags.set(tag, digest);
    return digest;
  }

  async listTags() {
    this.call("GET tags");
    return [...this.tags.keys()];
  }

  async deleteManifest(digest: string) {
    this.call(`DELETE manifest ${digest}`);
    this.manifests.delete(digest);
    for (const [tag, target] of this.tags) if (target === digest) this.tags.delete(tag);
  }
}
