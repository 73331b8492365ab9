// Answering a registry's 401 (the distribution token spec): Basic with the engine's login, or the
// Bearer flow: a token from the challenge's realm (https, or loopback) for this repository's scope
// and action, kept per action. The login, its Basic header and every token go to the redactor.
import type { CacheRef } from "../domain/cache-ref.js";
import { isLoopbackRegistry } from "../domain/registry.js";
import { parseChallenge, tokenUrl } from "../domain/registry-challenge.js";
import type { ProcessRunner } from "../engine/process-runner.js";
import { RegistryError } from "../errors.js";
import { findRegistryCredentials, type RegistryCredentials } from "./registry-credentials.js";

const ACTIONS = ["pull", "pull,push", "delete"] as const;
export type Action = (typeof ACTIONS)[number];

export interface AuthWorld {
  env: Readonly<Record<string, string | undefined>>;
  runner: ProcessRunner;
  addSecrets(values: readonly string[]): void;
  /** What messages call the registry ("wheel cache" by default). */
  label?: string;
}

type Send = (url: string, init: RequestInit, what: string) => Promise<Response>;

export class RegistryAuth {
  private credentials: Promise<RegistryCredentials | undefined> | undefined;
  private readonly authorization = new Map<Action, string>();

  constructor(
    private readonly ref: CacheRef,
    private readonly world: AuthWorld,
    private readonly send: Send,
  ) {}

  /** The Authorization header for an action, once a challenge was answered. */
  header(action: Action): string | undefined {
    return this.authorization.get(action);
  }

  refused(status: number, what: string): RegistryError {
    return new RegistryError(
      `The ${this.world.label ?? "wheel cache"} ${this.ref.registry} refused the credentials (${status}): ${what} failed`,
      {
        hint: `Log in with the engine (\`docker login ${this.ref.registry}\`): wheelwright uses its login or credential helper.`,
      },
    );
  }

  private loginOf(): Promise<RegistryCredentials | undefined> {
    this.credentials ??= findRegistryCredentials(this.ref.registry, this.world.env, this.world.runner).then(
      (found) => {
        // The password, and its base64 form as config.json and the Basic header hold it.
        if (found !== undefined) this.world.addSecrets([found.password, basic(found).slice("Basic ".length)]);
        return found;
      },
    );
    return this.credentials;
  }

  /** Answers a 401's challenge: Basic with the engine's login, or a Bearer token for the repository's scope. */
  async answer(header: string | null, action: Action, what: string): Promise<void> {
    const challenge = parseChallenge(header);
    const login = await this.loginOf();
    const notLoggedIn = () =>
      new RegistryError(
        `Not logged in to the ${this.world.label ?? "wheel cache"} ${this.ref.registry}: ${what} was refused`,
        {
          hint: `Log in with the engine first (\`docker login ${this.ref.registry}\`): wheelwright uses its login or credential helper.`,
        },
      );
    if (challenge === undefined || challenge.scheme === "basic") {
      if (login === undefined) throw notLoggedIn();
      // Basic is one header for every action: no second 401 for the first push or delete.
      for (const each of ACTIONS) this.authorization.set(each, basic(login));
      return;
    }
    const realm = new URL(challenge.realm);
    if (realm.protocol === "http:" && !isLoopbackRegistry(realm.host))
      throw new RegistryError(
        `The ${this.world.label ?? "wheel cache"} ${this.ref.registry} names a token service over plain http`,
        {
          hint: "Credentials are sent to a token service over https only (or on this machine's loopback).",
        },
      );
    const scope = `repository:${this.ref.repository}:${action}`;
    const response = await this.send(
      tokenUrl(challenge, scope),
      { headers: login === undefined ? {} : { Authorization: basic(login) } },
      `getting a token for ${what}`,
    );
    if (!response.ok) {
      await response.body?.cancel();
      if (login === undefined) throw notLoggedIn();
      throw this.refused(response.status === 403 ? 403 : 401, what);
    }
    const body = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === "string" ? body.token : body.access_token;
    if (typeof token !== "string" || token === "")
      throw new RegistryError(`The token service of ${this.ref.registry} gave no token for ${what}`);
    this.world.addSecrets([token]);
    this.authorization.set(action, `Bearer ${token}`);
  }
}

function basic(login: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${login.username}:${login.password}`).toString("base64")}`;
}
