// The two tags every image of a build gets: this commit's (`<sha>`, `<sha>-dirty`, or the version
// outside git) and the version's; a target's images carry its suffix (`<sha>-trixie`, `latest-trixie`).
import { commitTag, type GitFacts } from "./git-facts.js";

export interface ImageTags {
  /** `<sha>` (`<sha>-dirty`), or the version outside git; then the target's suffix. */
  primary: string;
  /** The configured version, then the target's suffix. */
  version: string;
}

export function imageTags(git: GitFacts, version: string, suffix: string): ImageTags {
  return { primary: `${commitTag(git) ?? version}${suffix}`, version: `${version}${suffix}` };
}
