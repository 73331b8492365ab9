// `wheelwright all`, the seed's `make all`: clean, the images, the wheelhouse with the test extra,
// the tests from it, and the release image. Stops at the first failure, with that step's exit code.
import type { Session } from "../session.js";
import { loadSessionProject } from "../session.js";

export async function allCommand(session: Session): Promise<void> {
  const { cleanCommand } = await import("./clean.js");
  const { imageCommand } = await import("./image.js");
  const { buildCommand } = await import("./build.js");
  const { testCommand } = await import("./test.js");
  const { releaseCommand } = await import("./release.js");
  const extra = loadSessionProject(session).config.testExtra.value;
  const stage = (name: string) => session.emit({ type: "notice", message: `── wheelwright all: ${name}` });
  stage("clean");
  await cleanCommand(session, {});
  stage("image --all");
  await imageCommand(session, [], { all: true });
  stage(`build ${extra}`);
  await buildCommand(session, [extra], {}, undefined);
  stage("test");
  await testCommand(session, undefined, {});
  stage("release");
  await releaseCommand(session, []);
}
