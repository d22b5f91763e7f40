// Control center: every portal's state and counters, its levers (rate limit,
// toggle, breaker reset; all confirmed), the global rate limit, and the audit
// log. Refreshes every 10 s.
import { useState } from "react";
import { api } from "../api.ts";
import { useCanAct } from "../App.tsx";
import { Badge, type Column, ConfirmButton, DataTable, ErrorBox, Loading, Section, Stat } from "../components/ui.tsx";
import { dateTime, num, percent } from "../format.ts";
import { useApi } from "../hooks.ts";
import { href } from "../router.ts";

interface Portal extends Record<string, unknown> {
  portal: string;
  display_name: string;
  active: boolean;
  rate_limit_seconds: number;
  effective_rate_limit_seconds: number;
  breaker_state: string;
  portal_state: string;
  errors_24h: number;
  blocks_24h: number;
  consecutive_errors: number;
  last_success_at: string | null;
  top_category_7d: string | null;
}

/** green healthy, red breaker open, grey disabled: the word is shown too. */
function portalState(p: Portal): string {
  if (!p.active) return "disabled";
  if (p.breaker_state === "open") return "breaker_open";
  if (p.breaker_state === "half_open") return "half_open";
  return "healthy";
}

function RateLimitEditor({ portal, current, onDone }: { portal: string | null; current: number; onDone: () => void }) {
  const [value, setValue] = useState(String(current));
  const label = portal ? `rate limit of ${portal} (seconds)` : "global rate limit (seconds)";
  return (
    <span className="rate-editor">
      <input type="number" min={0} max={3600} step={0.1} value={value} aria-label={label} onChange={(e) => setValue(e.target.value)} />
      <ConfirmButton label="Set" disabled={value === "" || Number(value) === current}
        question={`Set the ${label} from ${current} to ${value}? Scrapers use it from their next request.`}
        onConfirm={async () => {
          await api("control/rate-limit", { method: "POST", body: { portal, seconds: Number(value) } });
          onDone();
        }} />
    </span>
  );
}

export function Control() {
  const canAct = useCanAct();
  const status = useApi<{ queue: { pending: number; running: number }; last_24h: Record<string, number> }>("control/status", 10_000);
  const portals = useApi<{ portals: Portal[]; global_rate_limit_seconds: number }>("control/portals", 10_000);
  const [usersOnly, setUsersOnly] = useState(true);
  const audit = useApi<{ audit: Record<string, unknown>[] }>(`control/audit?limit=20${usersOnly ? "&users_only=true" : ""}`, 10_000);
  const reload = () => {
    portals.reload();
    audit.reload();
  };

  const columns: Column<Portal>[] = [
    { key: "portal", label: "Portal", render: (p) => <a href={href(`/company/${p.portal}`)}>{p.portal}</a> },
    { key: "state", label: "State", render: (p) => <span data-testid={`state-${p.portal}`}><Badge value={portalState(p)} /></span> },
    { key: "errors_24h", label: "Errors 24 h", numeric: true, render: (p) => num(p.errors_24h) },
    { key: "blocks_24h", label: "Blocks 24 h", numeric: true, render: (p) => num(p.blocks_24h) },
    { key: "consecutive_errors", label: "Errors in a row", numeric: true },
    { key: "top_category_7d", label: "Top error 7 d", render: (p) => (p.top_category_7d ? <Badge value={p.top_category_7d} /> : "–") },
    { key: "last_success_at", label: "Last success", render: (p) => dateTime(p.last_success_at) },
    {
      key: "rate", label: "Rate limit (s)", render: (p) => canAct
        ? <RateLimitEditor key={p.rate_limit_seconds} portal={p.portal} current={p.rate_limit_seconds} onDone={reload} />
        : `${p.rate_limit_seconds} (effective ${p.effective_rate_limit_seconds})`,
    },
  ];
  if (canAct) {
    columns.push({
      key: "actions", label: "Actions", render: (p) => (
        <div className="actions">
          <ConfirmButton label={p.active ? `Disable ${p.portal}` : `Enable ${p.portal}`} danger={p.active}
            question={p.active ? `Disable ${p.portal}? Its scrapes are skipped until it is enabled again.` : `Enable ${p.portal}? It is scraped again from the next run.`}
            onConfirm={async () => {
              await api(`control/portals/${encodeURIComponent(p.portal)}/toggle`, { method: "POST", body: { active: !p.active } });
              reload();
            }} />
          {p.breaker_state !== "closed" && (
            <ConfirmButton label={`Reset breaker of ${p.portal}`}
              question={`Reset the breaker of ${p.portal}? Requests to it resume at once.`}
              onConfirm={async () => {
                await api(`control/portals/${encodeURIComponent(p.portal)}/breaker-reset`, { method: "POST", body: {} });
                reload();
              }} />
          )}
        </div>
      ),
    });
  }

  return (
    <>
      <div className="page-head">
        <h1>Control center</h1>
        <span className="muted">refreshes every 10 s</span>
      </div>
      <Section title="Now">
        <ErrorBox error={status.error} />
        <div className="stats">
          <Stat label="running jobs" value={num(status.data?.queue.running)} />
          <Stat label="pending jobs" value={num(status.data?.queue.pending)} />
          <Stat label="runs 24 h" value={num(status.data?.last_24h.runs)} />
          <Stat label="failed 24 h" value={num(status.data?.last_24h.failed)} tone={status.data?.last_24h.failed ? "bad" : undefined} />
          <Stat label="block rate 24 h" value={percent(status.data?.last_24h.block_rate)} />
          <Stat label="avg request 24 h" value={`${num(status.data?.last_24h.avg_request_ms)} ms`} />
        </div>
        {portals.data && (
          <p className="inline">Global rate limit (every portal waits at least this long between requests):{" "}
            {canAct
              ? <RateLimitEditor key={portals.data.global_rate_limit_seconds} portal={null} current={portals.data.global_rate_limit_seconds} onDone={reload} />
              : `${portals.data.global_rate_limit_seconds} s`}
          </p>
        )}
      </Section>
      <Section title="Portals">
        <ErrorBox error={portals.error} />
        <Loading loading={portals.loading && !portals.data} />
        <DataTable caption="Portals" columns={columns} rows={portals.data?.portals ?? []} rowKey={(p) => p.portal} />
      </Section>
      <Section title="Audit log" actions={
        <label className="inline">
          <input type="checkbox" checked={!usersOnly} onChange={(e) => setUsersOnly(!e.target.checked)} />
          include database sessions (workers, Studio)
        </label>
      }>
        <ErrorBox error={audit.error} />
        <DataTable caption="Audit log, newest first" rowKey={(r) => String(r.id)} rows={audit.data?.audit ?? []}
          columns={[
            { key: "at", label: "At", render: (r) => dateTime(r.at as string) },
            { key: "actor", label: "Who", render: (r) => `${r.actor} (${r.actor_role ?? "–"})` },
            { key: "action", label: "Action" },
            { key: "target", label: "Target" },
            { key: "change", label: "Change", render: (r) => <code>{JSON.stringify(r.before)} → {JSON.stringify(r.after)}</code> },
          ]} />
      </Section>
    </>
  );
}
