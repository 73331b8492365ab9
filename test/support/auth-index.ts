// A package index behind HTTP basic auth on 127.0.0.1 (a free port), and a watcher of every
// process's command line on the host, for the credential tests of issue 8. Both are small Python
// programs; the credentials and the secret reach them through their environment, never their argv
// (the watcher would otherwise find the secret in the server's own command line).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

const SERVER = `
import base64, functools, http.server, os, sys
root = sys.argv[1]
expected = "Basic " + base64.b64encode(
    (os.environ["AUTH_INDEX_USER"] + ":" + os.environ["AUTH_INDEX_PASSWORD"]).encode()).decode()

class Handler(http.server.SimpleHTTPRequestHandler):
    def _allowed(self):
        if self.headers.get("Authorization") == expected:
            print("200", self.path, flush=True)
            return True
        print("401", self.path, flush=True)
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="wheelwright-test"')
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def do_GET(self):
        if self._allowed():
            super().do_GET()

    def do_HEAD(self):
        if self._allowed():
            super().do_HEAD()

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=root))
print("port", server.server_address[1], flush=True)
server.serve_forever()
`;

export interface AuthIndex {
  port: number;
  /** The simple index's URL, with the credentials in it. */
  url: string;
  /** Requests served with the right credentials, and refused without them. */
  authorised(): number;
  refused(): number;
  stop(): Promise<void>;
}

/** Serves `root` (a folder holding `simple/` and the files its pages link to) behind basic auth. */
export async function startAuthIndex(root: string, user: string, password: string): Promise<AuthIndex> {
  const child = spawn("python3", ["-c", SERVER, root], {
    env: { ...process.env, AUTH_INDEX_USER: user, AUTH_INDEX_PASSWORD: password },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let authorised = 0;
  let refused = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the index server exited (${code}) before it listened`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const [status, value] = line.split(" ");
      if (status === "port") resolve(Number(value));
      else if (status === "200") authorised++;
      else if (status === "401") refused++;
    });
  });
  return {
    port,
    url: `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/simple`,
    authorised: () => authorised,
    refused: () => refused,
    stop: () => stopChild(child),
  };
}

const WATCHER = `
import json, os, signal, sys
secret = os.environ["WATCH_SECRET"].encode()
marker = os.environ["WATCH_MARKER"].encode()
me = str(os.getpid())
scans = 0
hits = {}
marked = set()
running = True

def stop(*_):
    global running
    running = False

signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
while running:
    scans += 1
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == me:
            continue
        try:
            with open("/proc/" + pid + "/cmdline", "rb") as handle:
                cmdline = handle.read()
        except OSError:
            continue
        if secret in cmdline:
            hits[pid] = cmdline.replace(b"\\0", b" ").decode("utf-8", "replace")
        if marker in cmdline:
            marked.add(cmdline.replace(b"\\0", b" ").decode("utf-8", "replace")[:300])
print(json.dumps({"scans": scans, "hits": hits, "marked": sorted(marked)}), flush=True)
`;

export interface CmdlineWatch {
  /** Full passes over /proc so far are counted by the watcher; the result comes with stop(). */
  stop(): Promise<{ scans: number; hits: Record<string, string>; marked: string[] }>;
}

/**
 * Reads `/proc/<pid>/cmdline` of every process on the host (a container's processes are host
 * processes too) in a tight loop until stopped: the processes whose command line holds `secret`
 * (`hits`), and the command lines holding `marker` (proof the watcher saw the processes that matter).
 */
export async function watchCmdlines(secret: string, marker: string): Promise<CmdlineWatch> {
  const child = spawn("python3", ["-c", WATCHER], {
    env: { ...process.env, WATCH_SECRET: secret, WATCH_MARKER: marker },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const output = createInterface({ input: child.stdout! });
  const lines: string[] = [];
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  output.on("line", (line) => {
    if (line === "ready") ready();
    else lines.push(line);
  });
  await isReady;
  return {
    stop: async () => {
      const closed = once(output, "close");
      child.kill("SIGTERM");
      await closed;
      return JSON.parse(lines.at(-1) ?? "{}");
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}
