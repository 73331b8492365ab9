import { describe, expect, it } from "vitest";
import { splitCommandLine } from "../../src/cli/command-line.js";

describe("command line split", () => {
  it("gives everything after -- to the command", () => {
    expect(splitCommandLine(["build", "--", "pip", "-V"])).toEqual({
      own: ["build"],
      command: ["pip", "-V"],
    });
    expect(splitCommandLine(["build", "test"])).toEqual({ own: ["build", "test"], command: undefined });
  });

  it("gives everything after run to the command, options included", () => {
    expect(splitCommandLine(["run", "id", "-u"])).toEqual({ own: ["run"], command: ["id", "-u"] });
    expect(splitCommandLine(["--json", "run", "python", "-c", "x"])).toEqual({
      own: ["--json", "run"],
      command: ["python", "-c", "x"],
    });
    expect(splitCommandLine(["run", "--", "ls", "--", "-l"])).toEqual({
      own: ["run"],
      command: ["ls", "--", "-l"],
    });
  });

  it("does not take an option's value for the run command", () => {
    expect(splitCommandLine(["--cwd", "run", "build"])).toEqual({
      own: ["--cwd", "run", "build"],
      command: undefined,
    });
    expect(splitCommandLine(["--namespace=run", "run", "ls"])).toEqual({
      own: ["--namespace=run", "run"],
      command: ["ls"],
    });
  });
});
