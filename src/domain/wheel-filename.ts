// Wheel filenames (PEP 427): name-version(-build)?-python-abi-platform.whl
import { normalizeName } from "./names.js";

export interface WheelFilename {
  filename: string;
  /** Normalised (PEP 503) distribution name. */
  name: string;
  version: string;
  tags: string;
}

export function parseWheelFilename(filename: string): WheelFilename | undefined {
  if (!filename.endsWith(".whl") || filename.includes("/")) return undefined;
  const parts = filename.slice(0, -4).split("-");
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [name, version] = parts;
  if (!name || !version) return undefined;
  return { filename, name: normalizeName(name), version, tags: parts.slice(-3).join("-") };
}
