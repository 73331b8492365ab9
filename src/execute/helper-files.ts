// Where the builder helper lives in this package (copied into every builder).
import { fileURLToPath } from "node:url";

export const HELPER_FILE = fileURLToPath(new URL("../../assets/wheelwright_build.py", import.meta.url));
