import { z } from "zod";
import type { Clock } from "../../clock.ts";
import type { HttpResponse } from "../http.ts";
import { defineAdapter } from "./types.ts";
import { absoluteUrl, asList, extractItems, field, parseJsonEnvelope, trimSlash } from "./parse.ts";

/**
 * Workday career sites (https://{tenant}.wd{N}.myworkdayjobs.com/{site}) are backed by the
 * "cxs" JSON endpoints their pages call:
 *   POST {baseUrl}/wday/cxs/{tenant}/{site}/jobs  body `{ appliedFacets: {}, limit, offset,
 *        searchText: "" }` -> `{ total, jobPostings: [{ title, externalPath, locationsText,
 *        postedOn, bulletFields }] }` (limit at most 20);
 *   GET  {baseUrl}/wday/cxs/{tenant}/{site}{externalPath} -> `{ jobPostingInfo: { id, title,
 *        jobDescription (HTML), location, additionalLocations, country: { descriptor },
 *        postedOn, startDate, timeType, remoteType, jobReqId, externalUrl, canApply },
 *        hiringOrganization: { name } }`.
 * Quirks: `total` is only filled on the first page (later pages say 0), so the cursor keeps it;
 * `postedOn` is relative ("Posted Today", "Posted Yesterday", "Posted 3 Days Ago",
 * "Posted 30+ Days Ago") and is read against the run's clock. Every posting is read from its detail.
 */
const config = z.object({
  /** e.g. https://acme.wd5.myworkdayjobs.com */
  baseUrl: z.url(),
  tenant: z.string().min(1),
  site: z.string().min(1),
  pageSize: z.number().int().min(1).max(20).default(20),
});

export const WORKDAY_RAW_FIELDS = ["id", "jobReqId", "jobPostingId", "startDate", "timeType", "postedOn"];

const info = z.looseObject({
  id: field,
  title: field,
  jobDescription: field,
  location: field,
  additionalLocations: field,
  country: z.looseObject({ descriptor: field }).nullish().catch(null),
  postedOn: field,
  startDate: field,
  timeType: field,
  remoteType: field,
  jobReqId: field,
  externalUrl: field,
});

const DAY_MS = 86_400_000;

/** "Posted 3 Days Ago" and friends as a date, against the run's clock; null when vague ("30+"). */
export function workdayPostedOn(value: unknown, clock: Clock): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.toLowerCase();
  const today = Math.floor(clock.now() / DAY_MS) * DAY_MS;
  if (text.includes("today")) return new Date(today).toISOString();
  if (text.includes("yesterday")) return new Date(today - DAY_MS).toISOString();
  const days = /(\d+)\s+days?\s+ago/.exec(text);
  return days ? new Date(today - Number(days[1]) * DAY_MS).toISOString() : undefined;
}

function parseJob(cfg: z.output<typeof config>, response: HttpResponse, clock: Clock) {
  const body = parseJsonEnvelope(response, z.looseObject({ jobPostingInfo: z.unknown() }));
  return extractItems([body.jobPostingInfo], info, WORKDAY_RAW_FIELDS, (j) => {
    const path = new URL(response.finalUrl).pathname.replace(/^.*?\/wday\/cxs\/[^/]+\/[^/]+/, "");
    return {
      externalId: j.jobReqId ?? j.id,
      title: j.title,
      url: typeof j.externalUrl === "string"
        ? j.externalUrl
        : absoluteUrl(`/${encodeURIComponent(cfg.site)}${path}`, cfg.baseUrl) ?? undefined,
      locations: [
        { name: j.location, country: j.country?.descriptor },
        ...asList(j.additionalLocations).map((name) => ({ name })),
      ],
      descriptionHtml: j.jobDescription,
      workplaceType: j.remoteType,
      employmentType: j.timeType,
      postedAt: j.startDate ?? workdayPostedOn(j.postedOn, clock),
    };
  });
}

export const workday = defineAdapter({
  name: "workday",
  configSchema: config,
  cursorSchema: z.object({ offset: z.number().int().min(0), total: z.number().int().min(0).nullable() }),
  start: () => ({ offset: 0, total: null }),
  async fetchPage(cfg, cursor, fetch) {
    const base = `${trimSlash(cfg.baseUrl)}/wday/cxs/${encodeURIComponent(cfg.tenant)}/${
      encodeURIComponent(cfg.site)
    }`;
    const response = await fetch(`${base}/jobs`, "application/json", {
      appliedFacets: {},
      limit: cfg.pageSize,
      offset: cursor.offset,
      searchText: "",
    });
    const page = parseJsonEnvelope(
      response,
      z.looseObject({ total: z.number().int().min(0).optional(), jobPostings: z.array(z.unknown()) }),
    );
    const total = cursor.total ?? page.total ?? 0;
    const detailUrls: string[] = [];
    const items = [];
    for (const record of page.jobPostings) {
      const path = (record as { externalPath?: unknown } | null)?.externalPath;
      if (typeof path === "string" && path.startsWith("/")) detailUrls.push(`${base}${path}`);
      else items.push(...extractItems([record], info, WORKDAY_RAW_FIELDS, () => ({})));
    }
    const offset = cursor.offset + page.jobPostings.length;
    return {
      items,
      detailUrls,
      next: page.jobPostings.length === 0 || offset >= total ? null : { offset, total },
    };
  },
  parseDetail: (cfg, response, clock) => parseJob(cfg, response, clock),
});
