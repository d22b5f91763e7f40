// The job harness and the typed write API: import from here.
export * from "./api.ts";
export * from "./end.ts";
export * from "./errors.ts";
export * from "./harness.ts";
export * from "./log-buffer.ts";
export * from "./metrics.ts";
