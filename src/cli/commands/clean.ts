// `wheelwright clean [--all]`, the seed's `make clean`: the wheelhouse, this project's containers
// and its dangling images; with --all also its cache volume and result store. Only what carries
// this project's label (or name) is touched: never another project's.
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { cacheVolumeName, LABEL_PROJECT, projectId } from "../../domain/labels.js";
import { detectSessionEngine, loadSessionProject, type Session } from "../session.js";
import { projectStore } from "./build.js";

export async function cleanCommand(session: Session, options: { all?: boolean }): Promise<void> {
  const project = loadSessionProject(session);
  const { namespace, app } = project.config;
  const label = `${LABEL_PROJECT}=${projectId(namespace.value, app.value)}`;
  const removed: string[] = [];
  const wheelhouse = project.wheelhouseDir;
  const parent = path.dirname(wheelhouse);
  if (existsSync(wheelhouse)) {
    rmSync(wheelhouse, { recursive: true, force: true });
    removed.push(`wheelhouse ${path.relative(session.cwd, wheelhouse) || "."}`);
  }
  if (existsSync(parent)) {
    for (const name of readdirSync(parent).filter((n) => n.startsWith(`.${path.basename(wheelhouse)}.`))) {
      rmSync(path.join(parent, name), { recursive: true, force: true });
    }
  }
  if (options.all) {
    const store = projectStore(session, project);
    if (existsSync(store.dir)) {
      rmSync(store.dir, { recursive: true, force: true });
      removed.push("result store");
    }
  }
  const detection = await detectSessionEngine(session, project);
  if (detection.kind === "container") {
    const { engine } = detection;
    const containers = await engine.listContainers([label]);
    await engine.removeContainers(containers);
    if (containers.length > 0) removed.push(`${containers.length} container(s)`);
    const images = await engine.listImages({ labels: [label], dangling: true });
    const result = await engine.removeImages(images);
    if (result.removed.length > 0) removed.push(`${result.removed.length} dangling image(s)`);
    if (options.all) {
      const volume = cacheVolumeName(namespace.value, app.value);
      if (await engine.removeVolume(volume)) removed.push(`cache volume ${volume}`);
    }
  } else {
    session.emit({ type: "notice", message: "no container engine answered: only local files were cleaned" });
  }
  session.out(removed.length === 0 ? "nothing to clean\n" : `removed: ${removed.join(", ")}\n`);
}
