import { useEffect, useState } from "react";
import { navigate } from "../router.ts";
import type { Auth, Session } from "../session.ts";

export function SignIn({ auth, onSignedIn }: { auth: Auth; onSignedIn: (s: Session | null) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void auth.linkError().then((error) => {
      if (!error) return;
      setMessage(error); // e.g. a magic link used twice or too late
      navigate("/", {}, true); // the error leaves the address bar
    });
  }, [auth]);

  return (
    <main className="signin" id="main">
      <h1>scrape-ops console</h1>
      <form onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const error = await auth.signInWithPassword(email, password);
        setBusy(false);
        if (error) setMessage(error);
        else onSignedIn(await auth.session());
      }}>
        <label>E-mail <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} /></label>
        <label>Password <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !password}>Sign in</button>
          <button type="button" disabled={busy || !email} onClick={async () => {
            setBusy(true);
            const error = await auth.sendMagicLink(email);
            setBusy(false);
            setMessage(error ?? `A sign-in link is on its way to ${email}.`);
          }}>E-mail me a link</button>
        </div>
        {message && <p role="status">{message}</p>}
      </form>
      <p className="hint">On a local stack, <code>npm run console</code> prints sign-in links for a viewer and an operator, and their e-mail and password.</p>
    </main>
  );
}
