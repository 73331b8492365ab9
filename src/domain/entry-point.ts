// How a release image starts the application, derived from what the project declares: a console
// script, a `__main__` module, a Django project (gunicorn when it is a dependency), a Flask app or
// an ASGI app (uvicorn). When nothing says, no CMD and a comment saying what to set.

export interface EntryFacts {
  /** Console scripts (name -> `module:function`), from [project.scripts], setup.cfg or setup.py. */
  scripts: Record<string, string>;
  /** The project's top-level import packages. */
  packages: string[];
  /** Packages that have a `__main__.py`. */
  mainPackages: string[];
  /** Normalised names of the runtime dependencies. */
  dependencies: string[];
  /** Django: the settings module manage.py names, and whether `<project>.wsgi` exists beside it. */
  django?: { settings: string; wsgi: string | undefined };
  /** A Flask package with an app factory (`create_app`), or a module-level `app`. */
  flask?: { module: string; factory: boolean };
  /** An ASGI app: `module:attribute` (FastAPI, Starlette). */
  asgi?: string;
}

export interface EntryPoint {
  cmd: string[] | undefined;
  note: string;
  env: Record<string, string>;
}

const PORT = "8000";

export function deriveEntryPoint(facts: EntryFacts): EntryPoint {
  const has = (name: string) => facts.dependencies.includes(name);
  if (facts.django !== undefined) {
    const env = { DJANGO_SETTINGS_MODULE: facts.django.settings };
    if (facts.django.wsgi !== undefined && has("gunicorn"))
      return {
        cmd: ["gunicorn", "--bind", `0.0.0.0:${PORT}`, facts.django.wsgi],
        note: "Django, served by gunicorn (a dependency)",
        env,
      };
    return {
      cmd: ["python", "-m", "django", "runserver", "--noreload", `0.0.0.0:${PORT}`],
      note: "Django's development server: add gunicorn to the dependencies to serve it properly",
      env,
    };
  }
  if (facts.asgi !== undefined && has("uvicorn"))
    return {
      cmd: ["uvicorn", "--host", "0.0.0.0", "--port", PORT, facts.asgi],
      note: "an ASGI app, served by uvicorn (a dependency)",
      env: {},
    };
  if (facts.flask !== undefined) {
    const target = facts.flask.factory ? `${facts.flask.module}:create_app()` : `${facts.flask.module}:app`;
    if (has("gunicorn"))
      return {
        cmd: ["gunicorn", "--bind", `0.0.0.0:${PORT}`, target],
        note: "a Flask app, served by gunicorn (a dependency)",
        env: {},
      };
    return {
      cmd: ["flask", "--app", facts.flask.module, "run", "--host", "0.0.0.0", "--port", PORT],
      note: "Flask's development server: add gunicorn to the dependencies to serve it properly",
      env: {},
    };
  }
  const scripts = Object.keys(facts.scripts).sort();
  if (scripts.length > 0)
    return {
      cmd: [scripts[0]!],
      note: `the project's console script ${scripts[0]}${scripts.length > 1 ? ` (of ${scripts.join(", ")})` : ""}`,
      env: {},
    };
  const main = facts.mainPackages[0];
  if (main !== undefined)
    return { cmd: ["python", "-m", main], note: `the package ${main}'s __main__`, env: {} };
  return {
    cmd: undefined,
    note: `Set how the application starts: nothing in the project says (no console script, no __main__, no web app found), e.g. CMD ["python", "-m", "${facts.packages[0] ?? "yourpackage"}"]`,
    env: {},
  };
}
