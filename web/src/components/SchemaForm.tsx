// A form generated from a JSON Schema object (the jobs function's parameter
// schemas, GET /jobs/schemas): one labelled field per property.
import type { ReactNode } from "react";

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  description?: string;
}

/** The initial values: each property's default, else empty. */
export function initialValues(schema: JsonSchema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, p]) => [k, p.default ?? (p.type === "boolean" ? false : "")]));
}

/** The params to send: empty optional fields left out, numbers as numbers. */
export function paramsFrom(schema: JsonSchema, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const value = values[key];
    if (value === "" || value === undefined) continue;
    out[key] = prop.type === "integer" || prop.type === "number" ? Number(value) : value;
  }
  return out;
}

export function SchemaForm({ schema, values, onChange, suggestions = {}, errors = {} }: {
  schema: JsonSchema;
  values: Record<string, unknown>;
  onChange: (values: Record<string, unknown>) => void;
  /** Choices offered for a text field (a datalist), by property name. */
  suggestions?: Record<string, string[]>;
  errors?: Record<string, string[]>;
}) {
  const required = new Set(schema.required ?? []);
  const fields: ReactNode[] = Object.entries(schema.properties ?? {}).map(([key, prop]) => {
    const set = (value: unknown) => onChange({ ...values, [key]: value });
    const error = errors[`params.${key}`] ?? errors[key];
    const describedBy = error ? `${key}-error` : undefined;
    let input: ReactNode;
    if (prop.type === "boolean") {
      input = <input type="checkbox" name={key} checked={Boolean(values[key])} onChange={(e) => set(e.target.checked)} aria-describedby={describedBy} />;
    } else if (prop.enum) {
      input = (
        <select name={key} value={String(values[key] ?? "")} onChange={(e) => set(e.target.value)} required={required.has(key)}>
          {!required.has(key) && <option value="">–</option>}
          {prop.enum.map((v) => <option key={String(v)} value={String(v)}>{String(v)}</option>)}
        </select>
      );
    } else {
      const numeric = prop.type === "integer" || prop.type === "number";
      input = (
        <>
          <input name={key} type={numeric ? "number" : prop.format === "date" ? "date" : "text"}
            value={String(values[key] ?? "")} required={required.has(key)} min={prop.minimum} max={prop.maximum}
            step={prop.type === "integer" ? 1 : undefined} maxLength={prop.maxLength}
            list={suggestions[key] ? `${key}-choices` : undefined} aria-describedby={describedBy}
            onChange={(e) => set(e.target.value)} />
          {suggestions[key] && <datalist id={`${key}-choices`}>{suggestions[key].map((s) => <option key={s} value={s} />)}</datalist>}
        </>
      );
    }
    return (
      <div key={key} className={prop.type === "boolean" ? "field check" : "field"}>
        <label>
          {key.replace(/_/g, " ")}{required.has(key) ? " *" : ""}
          {input}
        </label>
        {prop.description && <small>{prop.description}</small>}
        {error && <small id={describedBy} className="field-error">{error.join(", ")}</small>}
      </div>
    );
  });
  return <>{fields.length ? fields : <p className="hint">No parameters.</p>}</>;
}
