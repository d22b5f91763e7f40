// The notify function: delivers due notifications (digests and alerts) that
// ops.plan_notifications planned.
//   POST /notify  {"action": "work", "trigger"?}   service role (pg_cron's wake-up) or operator;
//                 200 with {sent, retrying, failed}.
import { z } from "zod";
import { apiHandler } from "../_shared/api.ts";
import { type Auth, type Caller, requireRole } from "../_shared/auth.ts";
import { json } from "../_shared/http.ts";
import { Router } from "../_shared/router.ts";
import { parseBody } from "../_shared/validation.ts";
import type { NotifySummary } from "./worker.ts";

export interface NotifyDeps {
  auth: Auth;
  /** Delivers what is due; index.ts wires it to deliverDueNotifications. */
  work: () => Promise<NotifySummary>;
}

const workBody = z.object({
  action: z.literal("work"),
  trigger: z.string().regex(/^[a-z][a-z0-9_:-]{0,39}$/).optional(),
}).strict();

export function createNotifyHandler({ auth, work }: NotifyDeps) {
  const router = new Router<{ caller: Caller }>("notify")
    .on("POST", "/", async ({ caller, request }) => {
      const denied = requireRole(caller, "operator");
      if (denied) return denied;
      await parseBody(request, workBody, 4096);
      return json(await work());
    });
  return apiHandler({ router, auth });
}
