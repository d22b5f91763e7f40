/** A positive integer from the environment (underscores allowed: 20_000_000), else the fallback. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}=${raw} is not a positive integer`);
  return value;
}
