// `--dry-run`: the plan as a shell script on stdout (`--json`: the plan itself).
import { type PrintablePlan, renderPlan } from "../plan/plan.js";
import type { Session } from "./session.js";

export function printPlan(session: Session, plan: PrintablePlan): void {
  session.out(session.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
}
