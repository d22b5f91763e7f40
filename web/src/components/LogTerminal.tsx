// A job's live log: SSE with resume (see sse.ts), level colours, auto-scroll
// that pauses while the user reads further up, and progress done/total.
import { useEffect, useRef, useState } from "react";
import { functionsUrl, getAuth } from "../api.ts";
import { type LogLine, followJob } from "../sse.ts";
import { Badge } from "./ui.tsx";

export interface Progress {
  status: string;
  done: number;
  total: number | null;
}

export function LogLines({ lines, label }: { lines: LogLine[]; label: string }) {
  return (
    <ol className="log" aria-label={label}>
      {lines.map((l) => (
        <li key={l.id} className={`lvl-${l.level.toLowerCase()}`} data-log-id={l.id}>
          <time>{l.ts.slice(11, 19)}</time> <span className="lvl">{l.level.padEnd(8)}</span> {l.message}
        </li>
      ))}
    </ol>
  );
}

export function LogTerminal({ jobId, onFinished }: { jobId: number; onFinished?: (status: string) => void }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [connection, setConnection] = useState("connecting");
  const [follow, setFollow] = useState(true);
  const [failure, setFailure] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    const abort = new AbortController();
    const auth = getAuth();
    followJob(functionsUrl(`jobs/${jobId}/stream`), () => auth.token(), {
      onLog: (line) => setLines((all) => (all.length > 5000 ? [...all.slice(-4000), line] : [...all, line])),
      onProgress: setProgress,
      onDone: (done) => {
        setProgress((p) => ({ done: p?.done ?? 0, total: p?.total ?? null, status: done.status }));
        setConnection("ended");
        finished.current?.(done.status);
      },
      onConnection: setConnection,
    }, abort.signal).catch((e) => setFailure(String(e.message ?? e)));
    return () => abort.abort();
  }, [jobId]);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);

  const pct = progress?.total ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;
  return (
    <div className="terminal-wrap">
      <div className="terminal-head">
        <span data-testid="job-status"><Badge value={progress?.status ?? "pending"} /></span>
        <label className="progress-label">
          progress {progress ? `${progress.done}${progress.total != null ? ` / ${progress.total}` : ""}` : "–"}
          <progress max={progress?.total ?? undefined} value={progress?.total ? progress.done : undefined} aria-valuetext={pct != null ? `${pct}%` : "unknown"} />
        </label>
        <span className={`conn conn-${connection}`} role="status" data-testid="connection">stream {connection}</span>
        {!follow && (
          <button type="button" onClick={() => setFollow(true)}>Jump to latest</button>
        )}
      </div>
      {failure && <p className="error-box" role="alert">{failure}</p>}
      <div className="terminal" ref={box} tabIndex={0} data-testid="terminal"
        onScroll={(e) => {
          const el = e.currentTarget;
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          if (atBottom !== follow) setFollow(atBottom);
        }}>
        <LogLines lines={lines} label={`live log of job ${jobId}`} />
      </div>
    </div>
  );
}
