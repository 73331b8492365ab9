// What the wheel cache needs of a registry, in its own verbs (issue 13): the real client speaks the
// OCI distribution API over fetch (registry-client.ts); unit tests put an in-memory fake behind it.
// Every method throws a RegistryError (exit 9) when the registry cannot be reached, does not answer
// in time or refuses; a tag or blob that does not exist is not an error.
import type { CacheRef } from "../domain/cache-ref.js";

export interface CacheRegistry {
  readonly ref: CacheRef;
  /** The manifest's digest when the tag (or digest) exists, undefined when it does not. */
  manifestDigest(reference: string): Promise<string | undefined>;
  /** The manifest's bytes and digest (at most `maxBytes`), undefined when it does not exist. */
  getManifest(reference: string, maxBytes: number): Promise<{ bytes: Buffer; digest: string } | undefined>;
  /** Writes the blob to `file` (at most `maxBytes`) and returns the sha256 hex of what it received. */
  getBlob(digest: string, file: string, maxBytes: number): Promise<string>;
  /** A small blob's bytes (at most `maxBytes`). */
  getBlobBytes(digest: string, maxBytes: number): Promise<Buffer>;
  hasBlob(digest: string): Promise<boolean>;
  /** A monolithic upload: POST for a session, PUT the bytes with their digest. */
  putBlob(digest: string, bytes: Buffer): Promise<void>;
  /** Puts a manifest under a tag and returns the digest the registry reports. */
  putManifest(tag: string, bytes: Buffer, mediaType: string): Promise<string>;
  /** Every tag of the repository (none when the repository does not exist). */
  listTags(): Promise<string[]>;
  /** Deletes a manifest by digest (registry 2.8 refuses with 405 unless deletion is enabled). */
  deleteManifest(digest: string): Promise<void>;
}
