// Small building blocks every page uses: badges, rates, tables with sorting
// and paging, confirmations, error and loading states.
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import type { ApiError } from "../api.ts";
import { blockRateLevel, percent } from "../format.ts";

const STATUS_TONE: Record<string, string> = {
  success: "ok", completed: "ok", healthy: "ok", fresh: "ok",
  partial: "warn", running: "info", pending: "muted", degraded: "warn", acknowledged: "muted", snoozed: "muted",
  failed: "bad", no_data: "bad", breaker_open: "bad", open: "bad", critical: "bad", high: "bad",
  cancelled: "muted", skipped: "muted", disabled: "muted", paused: "muted", medium: "warn", low: "muted",
  half_open: "warn", closed: "ok", stale: "bad", ok: "ok", warning: "warn", breach: "bad",
};

/** A status word with its colour; the word is always shown (never colour alone). */
export function Badge({ value, title }: { value: string | null | undefined; title?: string }) {
  const text = value ?? "–";
  return <span className={`badge tone-${STATUS_TONE[text] ?? "muted"}`} title={title}>{text.replace(/_/g, " ")}</span>;
}

/** Block rate: red above 20%, yellow above 10%, the number always shown. */
export function BlockRate({ rate }: { rate: number | null | undefined }) {
  const level = blockRateLevel(rate);
  return (
    <span className={`rate rate-${level}`} title={level === "ok" ? "block rate" : `block rate ${level === "bad" ? "above 20%" : "above 10%"}`}>
      {level !== "ok" && <span aria-hidden="true">{level === "bad" ? "▲ " : "△ "}</span>}
      {percent(rate)}
    </span>
  );
}

export function ErrorBox({ error }: { error: ApiError | Error | null }) {
  if (!error) return null;
  const fields = "details" in error ? (error.details?.fields as Record<string, string[]> | undefined) : undefined;
  return (
    <div className="error-box" role="alert">
      <strong>{"status" in error && error.status ? `${error.status}: ` : ""}</strong>
      {error.message}
      {fields && (
        <ul>
          {Object.entries(fields).map(([field, messages]) => <li key={field}><code>{field}</code>: {messages.join(", ")}</li>)}
        </ul>
      )}
    </div>
  );
}

export function Loading({ loading }: { loading: boolean }) {
  return loading ? <span className="loading" role="status">loading…</span> : null;
}

export interface Column<T> {
  key: string;
  label: string;
  render?: (row: T) => ReactNode;
  sortable?: boolean;
  numeric?: boolean;
}

export function DataTable<T extends Record<string, unknown>>({
  caption, columns, rows, sort, order, onSort, rowKey, empty = "nothing to show",
}: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  sort?: string;
  order?: "asc" | "desc";
  onSort?: (key: string) => void;
  rowKey: (row: T) => string | number;
  empty?: string;
}) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? "num" : undefined}
                aria-sort={sort === c.key ? (order === "asc" ? "ascending" : "descending") : undefined}>
                {c.sortable && onSort
                  ? (
                    <button type="button" className="sort" onClick={() => onSort(c.key)}>
                      {c.label} {sort === c.key ? (order === "asc" ? "↑" : "↓") : ""}
                    </button>
                  )
                  : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && <tr><td colSpan={columns.length} className="empty">{empty}</td></tr>}
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? "num" : undefined} data-label={c.label}>
                  {c.render ? c.render(row) : String(row[c.key] ?? "–")}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pager({ offset, limit, total, onPage }: { offset: number; limit: number; total: number; onPage: (offset: number) => void }) {
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label="pages">
      <button type="button" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>← previous</button>
      <span>{total === 0 ? "0" : `${offset + 1}–${last}`} of {total}</span>
      <button type="button" disabled={last >= total} onClick={() => onPage(offset + limit)}>next →</button>
    </nav>
  );
}

/** A button that asks before it acts: the dialog names what will change. */
export function ConfirmButton({
  label, question, confirmLabel = "Confirm", onConfirm, danger, disabled, className,
}: {
  label: ReactNode;
  question: ReactNode;
  confirmLabel?: string;
  onConfirm: () => Promise<unknown> | unknown;
  danger?: boolean;
  disabled?: boolean;
  className?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const titleId = useId();
  return (
    <>
      <button type="button" className={className ?? (danger ? "danger" : undefined)} disabled={disabled}
        onClick={() => {
          setError(null);
          dialog.current?.showModal();
        }}>
        {label}
      </button>
      {/* showModal focuses the first button, Cancel: Enter on a fresh confirmation changes nothing */}
      <dialog ref={dialog} aria-labelledby={titleId} className="confirm">
        <p id={titleId}>{question}</p>
        <ErrorBox error={error} />
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()}>Cancel</button>
          <button type="button" className={danger ? "danger" : "primary"} disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await onConfirm();
                dialog.current?.close();
              } catch (e) {
                setError(e as Error);
              } finally {
                setBusy(false);
              }
            }}>
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}

/**
 * A long list's first entries at once, the rest on request: a morning with hundreds of problems and
 * alerts shows its first screen without building every entry (and every confirmation) first.
 */
export function useFirst<T>(items: readonly T[] | undefined, first: number): { shown: readonly T[]; more: ReactNode } {
  const [all, setAll] = useState(false);
  if (!items) return { shown: [], more: null };
  if (all || items.length <= first) return { shown: items, more: null };
  return {
    shown: items.slice(0, first),
    more: <button type="button" className="show-all" onClick={() => setAll(true)}>Show all {items.length}</button>,
  };
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="card">
      <header className="card-head">
        <h2 id={id}>{title}</h2>
        {actions && <div className="card-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

export function Stat({ label, value, tone }: { label: string; value: ReactNode; tone?: string }) {
  return (
    <div className={`stat${tone ? ` tone-${tone}` : ""}`}>
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

/** Re-renders every second (relative times, countdowns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
