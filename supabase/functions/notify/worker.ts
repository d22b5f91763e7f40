// Delivers the due notifications: claims them in SQL, sends each over HTTP,
// records the outcome in SQL (which decides retries and backoff). Deliveries
// run side by side, so a slow or failing channel never holds up another.
import type { Sql } from "../_shared/db.ts";
import { type Delivery, notificationRequest, redact } from "../_shared/notify/message.ts";

export interface NotifyWorkerDeps {
  sql: Sql;
  /** A secret from the function's environment (undefined when not set there; Vault is asked next). */
  env: (name: string) => string | undefined;
  fetch?: typeof fetch;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Stop claiming after this many rounds (one round = up to 20 deliveries). Default 10. */
  maxRounds?: number;
}

export interface NotifySummary {
  sent: number;
  retrying: number;
  failed: number;
}

async function secretFor(deps: NotifyWorkerDeps, name: string): Promise<string | null> {
  const fromEnv = deps.env(name);
  if (fromEnv) return fromEnv;
  const [row] = await deps.sql`select ops.notification_secret(${name}) as secret`;
  return (row?.secret as string | null) ?? null;
}

async function deliverOne(deps: NotifyWorkerDeps, delivery: Delivery): Promise<string> {
  let secret: string | null = null;
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    secret = await secretFor(deps, delivery.secret_name);
    if (!secret) {
      error = `secret ${delivery.secret_name} is set neither in the environment nor in Vault`;
    } else {
      const { url, init } = notificationRequest(delivery, secret);
      const response = await (deps.fetch ?? fetch)(url, {
        ...init,
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
      statusCode = response.status;
      const answer = await response.text().catch(() => "");
      if (!response.ok) error = `HTTP ${response.status}: ${answer.slice(0, 200)}`;
    }
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  const [row] = await deps.sql`
    select ops.record_notification(${delivery.id}, ${statusCode}, ${
    error === null ? null : redact(error, secret)
  }) as result`;
  return (row.result as { status: string }).status;
}

export async function deliverDueNotifications(deps: NotifyWorkerDeps): Promise<NotifySummary> {
  const summary: NotifySummary = { sent: 0, retrying: 0, failed: 0 };
  for (let round = 0; round < (deps.maxRounds ?? 10); round++) {
    const claimed = await deps.sql<Delivery[]>`select * from ops.claim_notifications(20)`;
    if (claimed.length === 0) break;
    const outcomes = await Promise.all(claimed.map((delivery) => deliverOne(deps, delivery)));
    for (const status of outcomes) {
      if (status === "sent") summary.sent++;
      else if (status === "failed") summary.failed++;
      else summary.retrying++;
    }
  }
  return summary;
}
