import { z } from "zod";
import type { Clock } from "../../clock.ts";
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
  "workday",
  "ashby",
  "workable",
] as const;

export type AdapterName = typeof ADAPTER_NAMES[number];

/**
 * Adapters that read an ATS's posting API: a board there that answers with no postings at all
 * may not exist (Workable, Recruitee and others answer 200 for unknown boards).
 */
export const ATS_ADAPTERS: ReadonlySet<AdapterName> = new Set<AdapterName>([
  "greenhouse",
  "lever",
  "personio",
  "recruitee",
  "smartrecruiters",
  "workday",
  "ashby",
  "workable",
]);

/**
 * Fetches one page for the adapter; bound by the crawl to its portal, metrics and signal. With
 * `json` it is a POST of that body (Workday's job search is a read-only POST).
 */
export type PageFetcher = (url: string, accept?: string, json?: JsonValue) => Promise<HttpResponse>;

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
  /**
   * Fetches and parses the page at `cursor`. Throws ScrapeError (parsing, http ...) on failure.
   * `clock` is the run's: relative dates ("Posted 3 Days Ago") are read against it.
   */
  fetchPage(cursor: Cursor, fetch: PageFetcher, clock: Clock): Promise<AdapterPage>;
  /** Parses a detail page; adapters without detail pages never get called here. */
  parseDetail(response: HttpResponse, clock: Clock): ExtractedPosting[];
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
  fetchPage(config: z.output<S>, cursor: z.output<C>, fetch: PageFetcher, clock: Clock): Promise<AdapterPage>;
  parseDetail?(config: z.output<S>, response: HttpResponse, clock: Clock): ExtractedPosting[];
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
        fetchPage(rawCursor, fetch, clock) {
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
          return spec.fetchPage(config, cursor.data, fetch, clock);
        },
        parseDetail(response, clock) {
          if (!spec.parseDetail) throw new Error(`${spec.name} has no detail pages`);
          return spec.parseDetail(config, response, clock);
        },
      };
    },
  };
}
