import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { setAuth } from "./api.ts";
import { App } from "./App.tsx";
import { Auth, loadConfig } from "./session.ts";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);
loadConfig().then(
  (config) => {
    const auth = new Auth(config);
    setAuth(auth);
    root.render(<StrictMode><App auth={auth} /></StrictMode>);
  },
  (error) => root.render(<main className="signin"><h1>scrape-ops console</h1><p role="alert">{String(error.message ?? error)}</p></main>),
);
