// What one notification delivery sends over HTTP: pure functions, no I/O.
// The payload was planned in SQL (ops.plan_notifications: the digest or the
// alert as JSON); here it is only put into each channel's wire format.
//   slack    POST <webhook URL from the secret> {"text"}   (Slack incoming webhooks)
//   webhook  POST <URL from the secret> {"type", "idempotency_key", "digest" | "alert", ...}
//   email    POST <endpoint_url> with "Authorization: Bearer <key from the secret>"
//            {"from", "to", "subject", "text"}   (the shape of HTTP e-mail APIs such as Resend's)
// Every request carries an Idempotency-Key header (the delivery's key), so a receiver can drop a
// retry of a message it already took (a timeout after the receiver accepted it).
import {
  type Digest,
  type DigestAlert,
  renderAlertText,
  renderDigestSlack,
  renderDigestText,
} from "../digest/render.ts";

export interface Delivery {
  id: number;
  kind: "digest" | "alert";
  idempotency_key: string;
  payload: unknown;
  attempts: number;
  channel_name: string;
  channel_kind: "slack" | "webhook" | "email";
  secret_name: string;
  endpoint_url: string | null;
  recipients: string[];
  sender: string | null;
}

export interface AlertPayload {
  alert: DigestAlert;
  reason: "new" | "escalated" | "reminder";
  notify_seq: number;
}

export interface OutgoingRequest {
  url: string;
  init: RequestInit & { headers: Record<string, string>; body: string };
}

function subject(delivery: Delivery): string {
  if (delivery.kind === "digest") {
    const d = delivery.payload as Digest;
    return `Morning report ${d.date}: ${d.health.problems} of ${d.health.companies} companies need attention`;
  }
  const { alert, reason } = delivery.payload as AlertPayload;
  return `[${alert.severity}] ${reason === "new" ? "" : `${reason}: `}${alert.rule}${
    alert.source_key ? ` ${alert.source_key}` : ""
  }`;
}

function text(delivery: Delivery): string {
  if (delivery.kind === "digest") return renderDigestText(delivery.payload as Digest);
  const { alert, reason } = delivery.payload as AlertPayload;
  return `${reason === "new" ? "" : `${reason}: `}${renderAlertText(alert)}`;
}

/** The HTTP request for a delivery, given the channel's secret (webhook URL or API key). */
export function notificationRequest(delivery: Delivery, secret: string): OutgoingRequest {
  const headers = { "content-type": "application/json", "idempotency-key": delivery.idempotency_key };
  switch (delivery.channel_kind) {
    case "slack": {
      const body = delivery.kind === "digest"
        ? renderDigestSlack(delivery.payload as Digest)
        : { text: text(delivery) };
      return { url: secret, init: { method: "POST", headers, body: JSON.stringify(body) } };
    }
    case "webhook": {
      const body = delivery.kind === "digest"
        ? { type: "digest", idempotency_key: delivery.idempotency_key, digest: delivery.payload }
        : { type: "alert", idempotency_key: delivery.idempotency_key, ...(delivery.payload as AlertPayload) };
      return { url: secret, init: { method: "POST", headers, body: JSON.stringify(body) } };
    }
    case "email": {
      if (!delivery.endpoint_url) throw new Error(`channel ${delivery.channel_name} has no endpoint_url`);
      const body = {
        from: delivery.sender,
        to: delivery.recipients,
        subject: subject(delivery),
        text: text(delivery),
      };
      return {
        url: delivery.endpoint_url,
        init: {
          method: "POST",
          headers: { ...headers, authorization: `Bearer ${secret}` },
          body: JSON.stringify(body),
        },
      };
    }
  }
}

/** An error text with every occurrence of the secret replaced, so that it can be stored and logged. */
export function redact(message: string, secret: string | null): string {
  return secret ? message.split(secret).join("***") : message;
}
