// The benchmark's own logic, without running anything: pairwise ratios, goals, the command line,
// and reading an strace log into a process count.
import { describe, expect, it } from "vitest";
import { parseOptions } from "../../bench/options.js";
import { countFromTrace, describePrograms } from "../../bench/process-count.js";
import { pairwiseRatios, pairwiseSummary, summarize } from "../../bench/stats.js";
import { reached, renderTable, timedRow, valueRow } from "../../bench/table.js";

describe("pairwise ratios", () => {
  it("divides each wheelwright sample by the seed sample of the same pair", () => {
    expect(pairwiseRatios([1, 3, 2], [2, 3, 8])).toEqual([0.5, 1, 0.25]);
  });

  it("takes the median of the ratios, not the ratio of the medians", () => {
    // Equal medians (a ratio of 1), while in two pairs of three wheelwright took under half the seed's time.
    const ratio = pairwiseSummary([1, 4, 5], [4, 10, 4]);
    expect(ratio?.median).toBe(0.4);
    expect(summarize([1, 4, 5]).median / summarize([4, 10, 4]).median).toBe(1);
  });

  it("leaves out unpaired samples and pairs whose seed side is zero", () => {
    expect(pairwiseRatios([1, 2, 3], [0, 4])).toEqual([0.5]);
    expect(pairwiseSummary([1], [])).toBeUndefined();
  });

  it("summarizes an even number of samples by the mean of the middle two", () => {
    expect(summarize([4, 1, 3, 2])).toMatchObject({ median: 2.5, min: 1, max: 4 });
  });
});

describe("goals", () => {
  const goal = { on: "ratio" as const, max: 0.3, text: "≤ 0.3x" };

  it("is reached when the median pairwise ratio is at or under the bound", () => {
    expect(reached(timedRow("change", { seed: [10, 10, 10], ours: [2, 3, 9] }, { goal }))).toBe("yes");
    expect(reached(timedRow("change", { seed: [10, 10, 10], ours: [2, 4, 9] }, { goal }))).toBe("no");
  });

  it("bounds wheelwright's own value for a count", () => {
    const processes = { on: "wheelwright" as const, max: 0, text: "0" };
    expect(reached(valueRow("procs", "processes", { seed: undefined, ours: 0 }, { goal: processes }))).toBe(
      "yes",
    );
    expect(reached(valueRow("procs", "processes", { seed: undefined, ours: 2 }, { goal: processes }))).toBe(
      "no",
    );
  });

  it("says nothing for a row without a goal or without samples", () => {
    expect(reached(timedRow("size", { seed: [1], ours: [1] }))).toBe("—");
    expect(reached(timedRow("startup", { seed: [], ours: [0.2] }, { goal }))).toBe("—");
  });

  it("renders the goal columns and the notes under the table", () => {
    const lines = renderTable([
      timedRow("no-op", { seed: [2, 4], ours: [0.2, 0.2] }, { goal, note: "the seed has no no-op" }),
    ]);
    expect(lines[0]).toBe(
      "| scenario | seed median | wheelwright median | ratio (median of pairwise) | goal | reached? |",
    );
    expect(lines[2]).toBe(
      "| no-op | 3.00 s (2.00–4.00) | 0.20 s (0.20–0.20) | 0.08x (0.05–0.10) | ≤ 0.3x | yes |",
    );
    expect(lines.at(-1)).toBe("- no-op: the seed has no no-op");
  });
});

describe("bench options", () => {
  it("runs 5 pairs and every section by default, 1 pair with --quick", () => {
    expect(parseOptions([])).toMatchObject({ runs: 5, quick: false, load: false, sizes: [25, 100, 400] });
    expect(parseOptions([]).only).toEqual(["django", "polls", "scaling"]);
    expect(parseOptions(["--quick"])).toMatchObject({ runs: 1, sizes: [10, 25] });
  });

  it("reads --runs, --only, --load and --keep-images", () => {
    expect(parseOptions(["--only", "django", "--runs", "3", "--load", "--keep-images"])).toMatchObject({
      runs: 3,
      only: ["django"],
      load: true,
      keepImages: true,
    });
  });

  it("refuses what it does not know", () => {
    expect(() => parseOptions(["--runs", "0"])).toThrow(/--runs/);
    expect(() => parseOptions(["--only", "django,nope"])).toThrow(/unknown section nope/);
    expect(() => parseOptions(["--fast"])).toThrow(/unknown argument --fast/);
  });
});

describe("countFromTrace", () => {
  const trace = [
    '100 execve("/usr/bin/node", ["node", "main.js", "build"], 0x7ffd /* 30 vars */) = 0',
    "100 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, child_tid=0x1}, 88) = 101",
    "100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 102",
    '102 execve("/usr/local/bin/git", ["git", "status"], 0x19 /* 35 vars */) = -1 ENOENT (No such file or directory)',
    '102 execve("/usr/bin/git", ["git", "status"], 0x19 /* 35 vars */ <unfinished ...>',
    "100 clone3({flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=0x7f, stack_size=0x9000} <unfinished ...>",
    "102 <... execve resumed>) = 0",
    "100 <... clone3 resumed> => {parent_tid=[0]}, 88) = 103",
    '103 execve("/bin/sh", ["/bin/sh", "-c", "true"], 0x19 /* 35 vars */) = 0',
    "",
  ].join("\n");

  it("counts processes made, not threads, and the programs they ran, not the command itself", () => {
    expect(countFromTrace(trace)).toEqual({ processes: 2, programs: ["git", "sh"] });
  });

  it("counts nothing for a command that starts nothing", () => {
    expect(countFromTrace(trace.split("\n").slice(0, 2).join("\n"))).toEqual({ processes: 0, programs: [] });
  });

  it("describes the programs by name and count", () => {
    expect(describePrograms(["bash", "git", "bash"])).toBe("bash ×2, git ×1");
  });
});
