import { describe, expect, it } from "vitest";
import { deriveEntryPoint, type EntryFacts } from "../../src/domain/entry-point.js";

const facts = (over: Partial<EntryFacts> = {}): EntryFacts => ({
  scripts: {},
  packages: ["app"],
  mainPackages: [],
  dependencies: [],
  ...over,
});

describe("the release's CMD, from the project", () => {
  it("serves Django with gunicorn when it is a dependency, naming the settings", () => {
    const entry = deriveEntryPoint(
      facts({
        django: { settings: "mysite.settings", wsgi: "mysite.wsgi" },
        dependencies: ["django", "gunicorn"],
      }),
    );
    expect(entry.cmd).toEqual(["gunicorn", "--bind", "0.0.0.0:8000", "mysite.wsgi"]);
    expect(entry.env).toEqual({ DJANGO_SETTINGS_MODULE: "mysite.settings" });
    expect(
      deriveEntryPoint(
        facts({ django: { settings: "s", wsgi: undefined }, dependencies: ["django"] }),
      ).cmd?.slice(0, 4),
    ).toEqual(["python", "-m", "django", "runserver"]);
  });

  it("runs a Flask factory, an ASGI app with uvicorn, a console script, a __main__", () => {
    expect(
      deriveEntryPoint(facts({ flask: { module: "flaskr", factory: true }, dependencies: ["flask"] })).cmd,
    ).toEqual(["flask", "--app", "flaskr", "run", "--host", "0.0.0.0", "--port", "8000"]);
    expect(
      deriveEntryPoint(
        facts({ flask: { module: "flaskr", factory: true }, dependencies: ["flask", "gunicorn"] }),
      ).cmd,
    ).toEqual(["gunicorn", "--bind", "0.0.0.0:8000", "flaskr:create_app()"]);
    expect(
      deriveEntryPoint(facts({ asgi: "app.main:app", dependencies: ["fastapi", "uvicorn"] })).cmd,
    ).toEqual(["uvicorn", "--host", "0.0.0.0", "--port", "8000", "app.main:app"]);
    expect(deriveEntryPoint(facts({ scripts: { tool: "app.cli:main" } })).cmd).toEqual(["tool"]);
    expect(deriveEntryPoint(facts({ mainPackages: ["app"] })).cmd).toEqual(["python", "-m", "app"]);
  });

  it("says what to set when nothing says how it starts", () => {
    const entry = deriveEntryPoint(facts());
    expect(entry.cmd).toBeUndefined();
    expect(entry.note).toMatch(/^Set how the application starts/);
  });
});
