import { createContext, useContext, useEffect, useState } from "react";
import { navigate, type Route, useRoute } from "./router.ts";
import type { Auth, Session } from "./session.ts";
import { SignIn } from "./pages/SignIn.tsx";
import { Morning } from "./pages/Morning.tsx";
import { Runs } from "./pages/Runs.tsx";
import { Company } from "./pages/Company.tsx";
import { Errors } from "./pages/Errors.tsx";
import { Jobs } from "./pages/Jobs.tsx";
import { JobPage } from "./pages/JobPage.tsx";
import { Pipeline } from "./pages/Pipeline.tsx";
import { Control } from "./pages/Control.tsx";

export const SessionContext = createContext<Session | null>(null);
/** Whether the signed-in user may act (operator); viewers see no action controls. */
export const useCanAct = () => useContext(SessionContext)?.role === "operator";

const PAGES: { path: string; label: string }[] = [
  { path: "/", label: "Morning" },
  { path: "/runs", label: "Runs" },
  { path: "/errors", label: "Errors" },
  { path: "/jobs", label: "Jobs" },
  { path: "/pipeline", label: "Pipeline" },
  { path: "/control", label: "Control center" },
];

function page(route: Route) {
  const [first, second] = route.segments;
  switch (first) {
    case undefined:
      return <Morning route={route} />;
    case "runs":
      return <Runs route={route} />;
    case "company":
      return <Company key={second} companyKey={second} route={route} />;
    case "errors":
      return <Errors route={route} />;
    case "jobs":
      return second ? <JobPage key={second} id={Number(second)} route={route} /> : <Jobs route={route} />;
    case "pipeline":
      return <Pipeline />;
    case "control":
      return <Control />;
    default:
      return <p>No page here. <a href="#/">Go to the morning page</a>.</p>;
  }
}

export function App({ auth }: { auth: Auth }) {
  const route = useRoute();
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    // a local sign-in link: #/signin?token=...
    if (route.segments[0] === "signin" && route.params.get("token")) {
      const signedIn = auth.useLocalToken(route.params.get("token")!);
      setSession(signedIn);
      navigate("/", {}, true); // the token leaves the address bar and the history
      return;
    }
    auth.session().then(setSession);
    const { data } = auth.client.auth.onAuthStateChange(() => void auth.session().then(setSession));
    return () => data.subscription.unsubscribe();
  }, [auth, route.segments, route.params]);

  useEffect(() => {
    const current = PAGES.find((p) => p.path === route.path)?.label ?? route.segments[0] ?? "console";
    document.title = `${current} · scrape-ops`;
  }, [route]);

  if (session === undefined) return <p className="loading" role="status">loading…</p>;
  if (!session || route.segments[0] === "signin") return <SignIn auth={auth} onSignedIn={setSession} />;

  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById("main")?.focus();
      }}>Skip to content</a>
      <header className="top">
        <a className="brand" href="#/">scrape-ops</a>
        <nav aria-label="pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={`#${p.path}`} aria-current={route.path === p.path ? "page" : undefined}>{p.label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span data-testid="who">{session.email} · <strong>{session.role ?? "no role"}</strong></span>
          <button type="button" onClick={() => auth.signOut()}>Sign out</button>
        </div>
      </header>
      {!session.role && (
        <p className="error-box" role="alert">Your account has no console role. Ask an admin for viewer or operator (app_metadata.ops_role).</p>
      )}
      <main id="main" tabIndex={-1}>{page(route)}</main>
    </SessionContext.Provider>
  );
}
