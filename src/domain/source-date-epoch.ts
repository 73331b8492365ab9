import { InputError } from "../errors.js";

/** SOURCE_DATE_EPOCH as seconds, undefined when unset; anything but a non-negative integer is refused. */
export function parseSourceDateEpoch(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^\d{1,12}$/.test(text)) {
    throw new InputError(`SOURCE_DATE_EPOCH='${text}' is not a number of seconds since 1970-01-01`, {
      hint: "Unset it (wheelwright then uses the commit time) or set it to an integer such as `$(git log -1 --format=%ct)`.",
    });
  }
  return Number(text);
}
