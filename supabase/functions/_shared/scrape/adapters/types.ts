import { z } from "zod";
import type { HttpResponse } from "../http.ts";
import type { ExtractedPosting } from "../posting.ts";
import { ScrapeError } from "../taxonomy.ts";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Where a source continues; adapter-specific, JSON-serializable so a job can checkpoint it. */
export type Cursor = JsonValue;

export const ADAPTER_NAMES = [
  "greenhouse",
  "lever",
  "personio",
  "recruitee",
  "smartrecruiters",
  "jsonld-html",
  "css-selector",
] as const;

export type AdapterName = typeof ADAPTER_NAMES[number];

/** Fetches one page for the adapter; bound by the crawl to its portal, metrics and signal. */
export type PageFetcher = (url: string, accept?: string) => Promise<HttpResponse>;

/** The outcome of one step of a source. */
export interface AdapterPage {
  /** Posting records found on the page itself. */
  items: ExtractedPosting[];
  /** Detail pages the crawl fetches (concurrently) and hands to `parseDetail`. */
  detailUrls?: string[];
  /** Where to continue, or null when the source is exhausted. */
  next: Cursor | null;
}

/** An adapter with validated config, ready to crawl one source. */
export interface BoundAdapter {
  readonly name: AdapterName;
  /** The first cursor; never null, which means "exhausted". */
  start(): Cursor;
  /** Fetches and parses the page at `cursor`. Throws ScrapeError (parsing, http ...) on failure. */
  fetchPage(cursor: Cursor, fetch: PageFetcher): Promise<AdapterPage>;
  /** Parses a detail page; adapters without detail pages never get called here. */
  parseDetail(response: HttpResponse): ExtractedPosting[];
}

export interface Adapter {
  readonly name: AdapterName;
  readonly configSchema: z.ZodType;
  /** Validates `config`; throws ScrapeError(`validation`, `invalid_config`) before any request. */
  bind(config: unknown): BoundAdapter;
}

interface AdapterSpec<S extends z.ZodType, C extends z.ZodType> {
  name: AdapterName;
  configSchema: S;
  cursorSchema: C;
  start(config: z.output<S>): z.output<C>;
  fetchPage(config: z.output<S>, cursor: z.output<C>, fetch: PageFetcher): Promise<AdapterPage>;
  parseDetail?(config: z.output<S>, response: HttpResponse): ExtractedPosting[];
}

/** Builds an Adapter from typed parts; config and cursor are validated at the boundary. */
export function defineAdapter<S extends z.ZodType, C extends z.ZodType>(spec: AdapterSpec<S, C>): Adapter {
  return {
    name: spec.name,
    configSchema: spec.configSchema,
    bind(rawConfig: unknown): BoundAdapter {
      const parsed = spec.configSchema.safeParse(rawConfig);
      if (!parsed.success) {
        throw new ScrapeError(
          "validation",
          "invalid_config",
          `invalid ${spec.name} config: ${z.prettifyError(parsed.error)}`,
          { severity: "critical" },
        );
      }
      const config = parsed.data;
      return {
        name: spec.name,
        start: () => spec.start(config) as Cursor,
        fetchPage(rawCursor, fetch) {
          const cursor = spec.cursorSchema.safeParse(rawCursor);
          if (!cursor.success) {
            throw new ScrapeError(
              "validation",
              "invalid_cursor",
              `invalid ${spec.name} cursor: ${z.prettifyError(cursor.error)}`,
              {
                severity: "critical",
              },
            );
          }
          return spec.fetchPage(config, cursor.data, fetch);
        },
        parseDetail(response) {
          if (!spec.parseDetail) throw new Error(`${spec.name} has no detail pages`);
          return spec.parseDetail(config, response);
        },
      };
    },
  };
}
