// GitHub Actions workflow commands: a step's output folds into a group, a failure becomes an error
// annotation on the run's page. Escaping as GitHub documents it for workflow commands (and as
// @actions/core's command.ts does): data escapes %, CR and LF; properties also ':' and ','.

export function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** A group's lines on one line each: a title with a newline in it would end the command early. */
export function groupStart(title: string): string {
  return `::group::${escapeData(title)}\n`;
}

export function groupEnd(): string {
  return "::endgroup::\n";
}

/** `::error title=...::message`: the message keeps its lines (escaped), so the hint shows under it. */
export function errorAnnotation(title: string, message: string): string {
  return `::error title=${escapeProperty(title)}::${escapeData(message)}\n`;
}
