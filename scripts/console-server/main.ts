// Local console server: serves the built operations console (web/dist) the way
// any static host would, plus /config.json telling the app where the API is
// (a hosted deploy writes the same file next to index.html, or builds with
// VITE_SUPABASE_URL / VITE_SUPABASE_PUBLISHABLE_KEY).
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { ROOT } from "../lib/config.ts";

const port = Number(process.env.CONSOLE_PORT ?? "54323");
const dist = join(ROOT, "web", "dist");
const config = JSON.stringify({
  supabaseUrl: process.env.SUPABASE_URL,
  publishableKey: process.env.CONSOLE_PUBLISHABLE_KEY,
});

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".ico": "image/x-icon",
};

createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
  if (path === "/config.json") {
    response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    return response.end(config);
  }
  if (path === "/_server/health") {
    response.writeHead(existsSync(join(dist, "index.html")) ? 200 : 503);
    return response.end();
  }
  // the app routes with the URL hash, so every other path is a file of the build
  let file = normalize(join(dist, path));
  if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, "index.html");
  const hashed = file.includes(`${join(dist, "assets")}`);
  response.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    // hashed assets never change; index.html must be revalidated to pick up a new build
    "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
  });
  createReadStream(file).pipe(response);
}).listen(port, "127.0.0.1", () => console.log(`console on http://127.0.0.1:${port}/`));
