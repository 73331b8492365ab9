// The renderer on CI runners, fed events directly: GitHub's groups, annotations and job summary,
// GitLab's collapsible sections, and a log's one line per progress milestone.
import { describe, expect, it } from "vitest";
import { escapeData, escapeProperty } from "../../src/cli/render/github.js";
import { sectionName } from "../../src/cli/render/gitlab.js";
import { summaryAppender } from "../../src/cli/render/summary-file.js";
import { createRenderer, type RendererOptions } from "../../src/cli/render.js";
import { createRedactor } from "../../src/domain/index-settings.js";
import { WheelBuildError } from "../../src/errors.js";
import type { WheelwrightEvent } from "../../src/events.js";

const GITHUB = { GITHUB_ACTIONS: "true", CI: "true" };
const GITLAB = { GITLAB_CI: "true", CI: "true" };

/** A renderer writing into a string, with a fixed clock and a summary collected in memory. */
function render(options: Partial<RendererOptions> & Pick<RendererOptions, "env">) {
  const out: string[] = [];
  const summaries: string[] = [];
  const renderer = createRenderer({
    mode: "plain",
    write: (text) => out.push(text),
    clock: () => 1_700_000_000_000,
    appendSummary: (markdown) => summaries.push(markdown),
    command: "build",
    ...options,
  });
  return { renderer, text: () => out.join(""), summaries };
}

const started = (id: string, title: string): WheelwrightEvent => ({ type: "step-started", id, title });
const finished = (id: string, title: string, seconds = 1.25): WheelwrightEvent => ({
  type: "step-finished",
  id,
  title,
  seconds,
});

describe("GitHub Actions", () => {
  it("folds a step into a group; a log shows its milestones, not its output", () => {
    const { renderer, text } = render({ env: GITHUB });
    for (const event of [
      started("image:builder", "image builder"),
      { type: "output", id: "image:builder", line: "Step 1/2 : FROM debian", stream: "stdout" },
      { type: "progress", id: "image:builder", text: "step 1/2: FROM debian", milestone: true },
      { type: "progress", id: "image:builder", text: "1/2 fetching tinydep" },
      finished("image:builder", "image builder"),
    ] satisfies WheelwrightEvent[])
      renderer.event(event);
    expect(text()).toBe(
      "::group::image builder\n  step 1/2: FROM debian\n::endgroup::\n✓ image builder (1.3 s)\n",
    );
  });

  it("never nests groups (GitHub has none inside another) and keeps a title on one line", () => {
    const { renderer, text } = render({ env: GITHUB });
    renderer.event(started("outer", "outer\nstep"));
    renderer.event(started("inner", "inner"));
    renderer.event(finished("inner", "inner"));
    renderer.event(finished("outer", "outer"));
    expect(text()).toBe("::group::outer%0Astep\n» inner\n✓ inner (1.3 s)\n::endgroup::\n✓ outer (1.3 s)\n");
  });

  it("escapes workflow command data and properties as GitHub documents", () => {
    expect(escapeData("100% done\r\nnext: a,b")).toBe("100%25 done%0D%0Anext: a,b");
    expect(escapeProperty("100% done\r\nnext: a,b")).toBe("100%25 done%0D%0Anext%3A a%2Cb");
  });

  it("turns the failure into an ::error annotation carrying the details and the hint, after closing the group", () => {
    const { renderer, text } = render({ env: GITHUB });
    renderer.event(started("deps", "fetch and build the dependencies' wheels"));
    renderer.fail(
      new WheelBuildError("Building the wheel of 'zbroken' failed", {
        details: ["zbroken.c:2: error: 100% not C"],
        hint: "Fix it, then run `wheelwright build` again.",
      }),
    );
    const lines = text().split("\n");
    expect(lines[1]).toBe("::endgroup::");
    expect(lines.slice(2, 5)).toEqual([
      "error: Building the wheel of 'zbroken' failed",
      "  zbroken.c:2: error: 100% not C",
      "hint: Fix it, then run `wheelwright build` again.",
    ]);
    expect(lines[5]).toBe(
      "::error title=wheelwright%3A wheel build failed (exit 6)::Building the wheel of 'zbroken' failed%0Azbroken.c:2: error: 100%25 not C%0Ahint: Fix it, then run `wheelwright build` again.",
    );
  });

  it("redacts a secret in the annotation even where escaping would have changed it", () => {
    const secret = "pa:ss,w%rd";
    const { renderer, text, summaries } = render({ env: GITHUB, redact: createRedactor([secret]) });
    renderer.fail(
      new WheelBuildError(`index https://u:${secret}@127.0.0.1/simple refused`, { hint: secret }),
    );
    renderer.close();
    for (const written of [text(), ...summaries]) {
      expect(written).not.toContain(secret);
      expect(written).not.toContain(escapeData(secret));
      expect(written).not.toContain(escapeProperty(secret));
    }
  });

  it("puts a failure's log lines in a code block a backtick run cannot close", () => {
    const { renderer, summaries } = render({ env: GITHUB });
    renderer.fail(new WheelBuildError("broken", { details: ["a ``` b", "| c |"], hint: "fix it" }));
    renderer.close();
    expect(summaries[0]).toContain(
      "**wheelwright: wheel build failed (exit 6)**\n\n> broken\n\n````text\na ``` b\n| c |\n````\n\n**hint:** fix it",
    );
  });

  it("--json keeps stderr NDJSON: no group and no annotation, the summary still written", () => {
    const { renderer, text, summaries } = render({ env: GITHUB, mode: "json" });
    renderer.event(started("deps", "deps"));
    renderer.fail(new WheelBuildError("broken", { hint: "fix it" }));
    renderer.close();
    const lines = text().trim().split("\n");
    expect(JSON.parse(lines[0]!)).toEqual({ type: "step-started", id: "deps", title: "deps" });
    expect(text()).not.toMatch(/^::/m);
    expect(summaries).toHaveLength(1);
  });
});

describe("the job summary", () => {
  const wheels = [
    {
      name: "app",
      version: "0.1.0",
      filename: "app-0.1.0-py3-none-any.whl",
      size: 2048,
      origin: "built" as const,
    },
    {
      name: "big",
      version: "2.0",
      filename: "big-2.0-py3-none-any.whl",
      size: 3 * 1024 * 1024,
      origin: "fetched" as const,
    },
  ];

  it("tables the wheels, the release image, the pushed digests, the test counts and the step times", () => {
    const { renderer, summaries } = render({ env: GITHUB, command: "all" });
    renderer.event(started("deps", "build the wheels"));
    renderer.event(finished("deps", "build the wheels", 12.34));
    for (const result of [
      { command: "build", status: "built", reason: "no previous wheelhouse", wheels },
      {
        command: "test",
        app: "app",
        testLine: "pytest -q",
        counts: { tests: 4, failures: 0, errors: 0, skipped: 1 },
      },
      {
        command: "release",
        image: "sha256:abc",
        tags: ["ns/app-release:1a2b"],
        sizeBytes: 123_400_000,
        user: "10001",
        sbom: { path: "/usr/share/wheelwright/sbom.cdx.json", wheels: 3, debianPackages: 1 },
      },
      { command: "push", pushed: [{ reference: "127.0.0.1:5000/app:1a2b", digest: "sha256:def" }] },
    ] as const)
      renderer.event({ type: "result", result: structuredClone(result) as never });
    renderer.close();
    renderer.close();
    expect(summaries).toHaveLength(1);
    const markdown = summaries[0]!;
    expect(markdown).toContain("### ✓ wheelwright all");
    expect(markdown).toContain(
      "| wheel | version | size | origin |\n| --- | --- | ---: | --- |\n| app | 0.1.0 | 2.0 KiB | built |\n| big | 2.0 | 3.0 MiB | fetched |",
    );
    expect(markdown).toContain("2 wheels, 3.0 MiB");
    expect(markdown).toContain("| 4 | 0 | 0 | 1 |");
    expect(markdown).toContain("`ns/app-release:1a2b`");
    expect(markdown).toContain("| sha256:abc | 123.4 MB | 10001 |");
    expect(markdown).toContain("`sbom: 3 wheels, 1 Debian package, at /usr/share/wheelwright/sbom.cdx.json`");
    expect(markdown).toContain("| 127.0.0.1:5000/app:1a2b | sha256:def |");
    expect(markdown).toContain("| ✓ build the wheels | 12.3 s |");
  });

  it("escapes a pipe in a cell, and is written only for the commands that produce something", () => {
    const piped = render({ env: GITHUB });
    piped.renderer.event(finished("x", "a | b"));
    piped.renderer.close();
    expect(piped.summaries[0]).toContain("| ✓ a \\| b |");
    const image = render({ env: GITHUB, command: "image" });
    image.renderer.event(finished("x", "image base"));
    image.renderer.close();
    expect(image.summaries).toEqual([]);
    const dryRun = render({ env: GITHUB, command: "release" });
    dryRun.renderer.close();
    expect(dryRun.summaries).toEqual([]);
  });
});

describe("the job summary's file", () => {
  const appended: [string, string][] = [];
  const append = (file: string, text: string) => void appended.push([file, text]);

  it("is GITHUB_STEP_SUMMARY, on GitHub Actions only", () => {
    const warn = (text: string) => void appended.push(["warning", text]);
    expect(summaryAppender({ ...GITLAB, GITHUB_STEP_SUMMARY: "/s.md" }, warn, append)).toBeUndefined();
    expect(summaryAppender(GITHUB, warn, append)).toBeUndefined();
    summaryAppender({ ...GITHUB, GITHUB_STEP_SUMMARY: "/s.md" }, warn, append)!("### done\n");
    expect(appended).toEqual([["/s.md", "### done\n"]]);
  });

  it("that cannot be written gives a warning, never the run's failure", () => {
    const warnings: string[] = [];
    const failing = () => {
      throw new Error("EACCES: permission denied");
    };
    summaryAppender({ ...GITHUB, GITHUB_STEP_SUMMARY: "/s.md" }, (t) => void warnings.push(t), failing)!("x");
    expect(warnings).toEqual([
      "warning: the job summary could not be written to /s.md: EACCES: permission denied\n",
    ]);
  });
});

describe("GitLab CI", () => {
  it("opens a collapsed section per step, named for GitLab, and nests them", () => {
    const { renderer, text } = render({ env: GITLAB });
    renderer.event(started("push:ns/app:1.0", "push ns/app:1.0"));
    renderer.event(started("inner", "inner"));
    renderer.event(finished("inner", "inner"));
    renderer.event({ type: "step-failed", id: "push:ns/app:1.0", title: "push ns/app:1.0", seconds: 2 });
    expect(text()).toBe(
      [
        "\x1b[0Ksection_start:1700000000:push_ns_app_1.0[collapsed=true]\r\x1b[0Kpush ns/app:1.0\n",
        "\x1b[0Ksection_start:1700000000:inner[collapsed=true]\r\x1b[0Kinner\n",
        "\x1b[0Ksection_end:1700000000:inner\r\x1b[0K\n✓ inner (1.3 s)\n",
        "\x1b[0Ksection_end:1700000000:push_ns_app_1.0\r\x1b[0K\n✗ push ns/app:1.0 (2.0 s)\n",
      ].join(""),
    );
    expect(sectionName("image builder (1/2)")).toBe("image_builder__1_2_");
  });

  it("has no GitHub annotation", () => {
    const { renderer, text } = render({ env: GITLAB });
    renderer.fail(new WheelBuildError("broken", { hint: "fix it" }));
    renderer.close();
    expect(text()).toBe("error: broken\nhint: fix it\n");
  });
});

describe("progress", () => {
  const events: WheelwrightEvent[] = [
    started("deps", "build the dependencies"),
    { type: "progress", id: "deps", text: "fetching tinydep 1.0 (0/2 done, 2 left)", done: 0, total: 2 },
    {
      type: "progress",
      id: "deps",
      text: "compiling cext 1.0 from its sdist (1/2 done, 1 left)",
      milestone: true,
    },
    { type: "output", id: "deps", line: "gcc -c cext.c", stream: "stdout" },
    finished("deps", "build the dependencies"),
  ];

  it("a log (no terminal) gets one line per milestone, none per output line", () => {
    const { renderer, text } = render({ env: { CI: "true" } });
    for (const event of events) renderer.event(event);
    expect(text()).toBe(
      "» build the dependencies\n  compiling cext 1.0 from its sdist (1/2 done, 1 left)\n✓ build the dependencies (1.3 s)\n",
    );
  });

  it("a terminal gets the live line: the stage, then the last output after it", () => {
    const { renderer, text } = render({ env: {}, mode: "tty", terminal: { columns: 200 } });
    for (const event of events.slice(0, 4)) renderer.event(event);
    const live = text().split("\r\x1b[2K").at(-1);
    expect(live).toBe("  [  0 s] compiling cext 1.0 from its sdist (1/2 done, 1 left) · gcc -c cext.c");
    renderer.close();
    expect(text().endsWith("\r\x1b[2K")).toBe(true);
  });
});
