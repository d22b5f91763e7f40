// Loads every function folder of a supabase/functions directory the way the
// edge runtime does: each index.ts calls Deno.serve(handler) and we capture
// that handler. Self-contained (no imports), so the bundling check of
// `npm test` can run it next to a copy of supabase/ alone:
//   deno run -A --config <copy>/supabase/functions/deno.json load.ts <copy>/supabase/functions/
export type Handler = (request: Request, info?: Deno.ServeHandlerInfo) => Response | Promise<Response>;

// The edge runtime's background-task API, so handlers can use it unchanged.
const edgeRuntime = {
  waitUntil(promise: Promise<unknown>) {
    promise.catch((error) => console.error("waitUntil task failed:", error));
  },
};
Object.defineProperty(globalThis, "EdgeRuntime", { value: edgeRuntime, configurable: true });

/** The names of the folders with an index.ts (folders starting with _ hold shared code). */
export async function functionNames(functionsDir: URL): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(functionsDir)) {
    if (!entry.isDirectory || entry.name.startsWith("_")) continue;
    try {
      await Deno.stat(new URL(`${entry.name}/index.ts`, functionsDir));
      names.push(entry.name);
    } catch {
      // a folder without index.ts is not a function
    }
  }
  return names.sort();
}

/**
 * Imports every function and captures its handler. A later `generation` imports each index.ts
 * afresh (a new module instance with its own top-level state: its database pools), as the edge
 * runtime starts a new isolate; the shared modules it imports stay loaded.
 */
export async function loadHandlers(functionsDir: URL, generation = 0): Promise<Map<string, Handler>> {
  const handlers = new Map<string, Handler>();
  const realServe = Deno.serve;
  try {
    for (const name of await functionNames(functionsDir)) {
      let captured: Handler | undefined;
      Object.defineProperty(Deno, "serve", {
        configurable: true,
        writable: true,
        value: (...args: unknown[]) => {
          const last = args[args.length - 1];
          captured = (typeof last === "function" ? last : (last as { handler: Handler }).handler) as Handler;
          return { finished: Promise.resolve(), shutdown: () => Promise.resolve(), ref() {}, unref() {} };
        },
      });
      const module = new URL(`${name}/index.ts`, functionsDir);
      if (generation > 0) module.search = `generation=${generation}`;
      await import(module.href);
      if (!captured) throw new Error(`supabase/functions/${name}/index.ts did not call Deno.serve`);
      handlers.set(name, captured);
    }
  } finally {
    Object.defineProperty(Deno, "serve", { configurable: true, writable: true, value: realServe });
  }
  return handlers;
}

if (import.meta.main) {
  const dir = Deno.args[0];
  const handlers = await loadHandlers(new URL(dir.endsWith("/") ? dir : `${dir}/`, `file://${Deno.cwd()}/`));
  console.log(JSON.stringify({ loaded: [...handlers.keys()] }));
  Deno.exit(0); // database pools the functions opened would keep the process alive
}
