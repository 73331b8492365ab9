// Image references: what Docker accepts (distribution/reference grammar), checked before any
// engine call so that a bad name is an input error with a precise message, not an engine error.

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAX_NAME_LENGTH = 255;

/** Why `value` is not a valid repository path component, or undefined when it is. */
export function componentProblem(value: string): string | undefined {
  if (value === "") return "is empty";
  if (/\s/.test(value)) return "contains whitespace";
  if (/[A-Z]/.test(value)) return "contains uppercase letters (image names are lowercase)";
  if (/^[-._]/.test(value)) return "starts with '-', '.' or '_'";
  if (!PATH_COMPONENT.test(value)) {
    return "may only hold lowercase letters, digits and single separators ('.', '_', '__', '-')";
  }
  return undefined;
}

/**
 * Why `value` is not a valid namespace, or undefined. A namespace is one or more path components,
 * optionally led by a registry host (`host:port/team`), as in `docker tag`.
 */
export function namespaceProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (/\s/.test(value)) return "contains whitespace";
  const parts = value.split("/");
  const first = parts[0] ?? "";
  const hasDomain = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasDomain && !DOMAIN.test(first)) return `has an invalid registry host '${first}'`;
  for (const part of hasDomain ? parts.slice(1) : parts) {
    const problem = componentProblem(part);
    if (problem !== undefined) return `component '${part}' ${problem}`;
  }
  return undefined;
}

/** Why `value` is not a valid tag, or undefined. */
export function tagProblem(value: string): string | undefined {
  if (value === "") return "is empty";
  if (value.length > 128) return `is ${value.length} characters long (at most 128)`;
  if (/\s/.test(value)) return "contains whitespace";
  if (value.includes("+")) {
    return "contains '+' (a PEP 440 local version such as 1.0+cuda is not a valid tag; use 1.0-cuda)";
  }
  if (/^[-.]/.test(value)) return "starts with '-' or '.'";
  if (!TAG.test(value)) return "may only hold letters, digits, '_', '.' and '-'";
  return undefined;
}

/** `NS/APP-CONTEXT`, or `APP-CONTEXT` without a namespace: the seed's `$(REPO_NS)/$(IMAGE_NAME)-$(IMAGE_CONTEXT)`. */
export function imageRepository(namespace: string, app: string, context: string): string {
  const name = `${app}-${context}`;
  return namespace === "" ? name : `${namespace}/${name}`;
}

/** Why a full repository name is invalid, or undefined. */
export function repositoryProblem(repository: string): string | undefined {
  if (repository.length > MAX_NAME_LENGTH) {
    return `is ${repository.length} characters long (at most ${MAX_NAME_LENGTH})`;
  }
  return namespaceProblem(repository);
}
