// A filesystem of a fixed size for a private engine's data root: an ext4 image file, loop-mounted.
//
// Why ext4 on a loop device and not a size-limited tmpfs (both carry overlay2 here):
// - tmpfs pages are memory, charged to the memory cgroup of whoever writes them: a container with
//   `--memory 64m` writing to its own filesystem (overlay2's upper dir on that tmpfs) is OOM-killed
//   instead of seeing ENOSPC, so a disk-full test and a memory-limit test would blur into each other.
//   ext4's page cache is reclaimable: a full disk is ENOSPC, memory is memory.
// - ext4 is what the shared engine's data root sits on (`docker info`: Backing Filesystem: extfs), so
//   overlay2 behaves as it does in production.
// - `-m 0` reserves no blocks for root: the engine and its containers run as root and would
//   otherwise write past the point where `df` says the disk is full.
// - The image file is sparse: it costs the host's disk only what the engine really writes.
import { closeSync, mkdirSync, openSync, statfsSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { execaSync } from "execa";

/** Makes `image` an empty ext4 filesystem of `bytes` and mounts it (loop, autoclear) at `mountPoint`. */
export function makeLoopDisk(image: string, bytes: number, mountPoint: string): void {
  const fd = openSync(image, "wx");
  closeSync(fd);
  execaSync("truncate", ["-s", String(bytes), image]);
  execaSync("mkfs.ext4", ["-q", "-F", "-m", "0", "-L", "wheelwright-pe", image]);
  mountLoopDisk(image, mountPoint);
}

/** `mount -o loop` sets the loop device's autoclear flag: it is detached with the last unmount. */
export function mountLoopDisk(image: string, mountPoint: string): void {
  mkdirSync(mountPoint, { recursive: true });
  execaSync("mount", ["-o", "loop", image, mountPoint]);
}

/** Bytes an ordinary write may still use (ext4 already subtracts its delayed allocations). */
export function freeBytes(mountPoint: string): number {
  const stats = statfsSync(mountPoint);
  return stats.bavail * stats.bsize;
}

/** Sizes of the chunks that top the filler up after its bulk allocation. */
const TOP_UP_CHUNK = 64 * 1024;
const BULK_MARGIN = 1024 * 1024;

/**
 * Fills the filesystem at `mountPoint` until fewer than `leaveBytes` remain free, with one file it
 * returns a remover for. The bulk is one `fallocate` (instant, real blocks); the last megabyte is
 * written in small chunks, because an allocation of exactly the free space fails on the extent
 * tree's own blocks.
 */
export function fillDisk(mountPoint: string, leaveBytes: number, name: string): () => void {
  if (!(leaveBytes > 0)) throw new Error(`fillDisk needs leaveBytes > 0, got ${leaveBytes}`);
  const filler = path.join(mountPoint, name);
  const bulk = freeBytes(mountPoint) - leaveBytes - BULK_MARGIN;
  if (bulk > 0) execaSync("fallocate", ["-l", String(bulk), filler]);
  const fd = openSync(filler, "a");
  try {
    const zeros = Buffer.alloc(TOP_UP_CHUNK);
    while (freeBytes(mountPoint) >= leaveBytes) {
      const room = freeBytes(mountPoint) - leaveBytes + 1;
      try {
        writeSync(fd, zeros, 0, Math.max(1, Math.min(TOP_UP_CHUNK, room)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOSPC") break;
        throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  const left = freeBytes(mountPoint);
  if (left >= leaveBytes) throw new Error(`fillDisk left ${left} bytes free on ${mountPoint}`);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    unlinkSync(filler);
  };
}
