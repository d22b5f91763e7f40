import { afterAll, beforeAll } from "vitest";
import {
  type Company,
  type CompanySpec,
  defineCompanies,
  postingsOn,
} from "../../../scripts/fixtures/catalog.ts";
import { type ExpectedRecord, expectedRecord } from "../../../scripts/fixtures/formats.ts";
import { type FixtureServer, startFixtureServer } from "../../../scripts/fixtures/server.ts";
import { ADAPTERS } from "../../../supabase/functions/_shared/scrape/adapters/index.ts";
import type { Clock } from "../../../supabase/functions/_shared/clock.ts";
import {
  crawl,
  type CrawlOptions,
  type CrawlResult,
} from "../../../supabase/functions/_shared/scrape/crawl.ts";
import { createHttpClient, type HttpClientOptions } from "../../../supabase/functions/_shared/scrape/http.ts";

export const SEED = 7;

/**
 * Real time plus a virtual offset: sleeps return at once and are recorded, so backoff costs
 * nothing. A frozen clock ignores real time altogether, for tests that count virtual ms exactly.
 */
export class VirtualClock implements Clock {
  offset = 0;
  readonly sleeps: number[] = [];
  constructor(private readonly realTime: () => number = Date.now) {}
  static frozen(): VirtualClock {
    return new VirtualClock(() => 0);
  }
  now(): number {
    return this.realTime() + this.offset;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.offset += Math.max(0, ms);
    return Promise.resolve();
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** Starts one fixture server for the file's tests and closes it afterwards. */
export function useFixtureServer(
  companies: CompanySpec[],
): { server: () => FixtureServer; company: (key: string) => Company } {
  let server: FixtureServer | undefined;
  const catalog = defineCompanies({ seed: SEED, companies });
  beforeAll(async () => {
    server = await startFixtureServer({ companies: catalog, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    server: () => {
      if (!server) throw new Error("fixture server not started");
      return server;
    },
    company: (key) => {
      const found = catalog.find((c) => c.key === key);
      if (!found) throw new Error(`no company ${key}`);
      return found;
    },
  };
}

/** Fast-failing HTTP defaults for tests: short timeout, tiny backoff, virtual clock. */
export function testClient(options: HttpClientOptions = {}) {
  return createHttpClient({
    timeoutMs: 1_000,
    maxRetries: 2,
    backoff: { baseMs: 10, maxMs: 100 },
    random: () => 0.5,
    clock: new VirtualClock(),
    ...options,
  });
}

export function scrape(
  server: FixtureServer,
  key: string,
  day: number,
  options: Partial<CrawlOptions> = {},
): Promise<CrawlResult> {
  const source = server.sourceFor(key, day);
  return crawl({
    adapter: ADAPTERS[source.adapter],
    config: source.config,
    http: options.http ?? testClient(),
    ...options,
  });
}

/** The ground truth in the shape the scraper reports it, field by field (see expectedRecord). */
export function expected(company: Company, day: number) {
  return postingsOn(company, day).map((p) => expectedRecord(company.format, p));
}

export function summary(result: CrawlResult): ExpectedRecord[] {
  return result.postings.map((p) => ({
    externalId: p.externalId,
    title: p.title,
    location: p.location,
    department: p.department,
    workplaceType: p.workplaceType,
    employmentType: p.employmentType,
    salary: p.salary,
    postedAt: p.postedAt ?? "",
  }));
}
