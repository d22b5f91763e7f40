import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { extractItems, field, parseJsonEnvelope, trimSlash } from "./parse.ts";

/**
 * Ashby public job posting API (developers.ashbyhq.com/docs/public-job-posting-api):
 * GET {baseUrl}/posting-api/job-board/{board}?includeCompensation=true returns `{ apiVersion,
 * jobs: [{ id, title, department, team, employmentType (FullTime, PartTime, Intern, Contract,
 * Temporary), location, secondaryLocations: [{ location, address: { addressLocality,
 * addressRegion, addressCountry } }], address: { postalAddress }, isRemote, workplaceType
 * (OnSite, Remote, Hybrid), isListed, publishedAt, jobUrl, applyUrl, descriptionHtml,
 * descriptionPlain, compensation: { summaryComponents, compensationTiers: [{ components:
 * [{ compensationType (Salary, EquityPercentage, Bonus ...), interval ("1 YEAR"), currencyCode,
 * minValue, maxValue }] }] } }] }`. The whole board in one response, no paging; an unknown
 * board is a 404. A job with `isListed: false` is not published.
 */
const config = z.object({
  board: z.string().min(1),
  baseUrl: z.url().default("https://api.ashbyhq.com"),
});

export const ASHBY_RAW_FIELDS = [
  "id",
  "team",
  "publishedAt",
  "isListed",
  "isRemote",
  "workplaceType",
  "employmentType",
];

const address = z.looseObject({ addressLocality: field, addressRegion: field, addressCountry: field });
const component = z.looseObject({
  compensationType: field,
  interval: field,
  currencyCode: field,
  minValue: field,
  maxValue: field,
});
const job = z.looseObject({
  id: field,
  title: field,
  department: field,
  team: field,
  employmentType: field,
  location: field,
  secondaryLocations: z.array(z.looseObject({ location: field, address: address.nullish().catch(null) }))
    .nullish().catch(null),
  address: z.looseObject({ postalAddress: address.nullish().catch(null) }).nullish().catch(null),
  isRemote: field,
  workplaceType: field,
  isListed: field,
  publishedAt: field,
  jobUrl: field,
  descriptionHtml: field,
  compensation: z.looseObject({
    summaryComponents: z.array(component).nullish().catch(null),
    compensationTiers: z.array(z.looseObject({ components: z.array(component).nullish().catch(null) }))
      .nullish().catch(null),
  }).nullish().catch(null),
});

export const ashby = defineAdapter({
  name: "ashby",
  configSchema: config,
  cursorSchema: z.object({ page: z.literal("board") }),
  start: () => ({ page: "board" as const }),
  async fetchPage(cfg, _cursor, fetch) {
    const url = `${trimSlash(cfg.baseUrl)}/posting-api/job-board/${encodeURIComponent(cfg.board)}` +
      "?includeCompensation=true";
    const response = await fetch(url, "application/json");
    const body = parseJsonEnvelope(response, z.looseObject({ jobs: z.array(z.unknown()) }));
    return {
      items: extractItems(body.jobs, job, ASHBY_RAW_FIELDS, (j) => {
        const primary = j.address?.postalAddress;
        const components = j.compensation?.summaryComponents ??
          j.compensation?.compensationTiers?.[0]?.components ?? [];
        const pay = components.find((c) => c.compensationType === "Salary");
        return {
          externalId: j.id,
          title: j.title,
          url: j.jobUrl,
          locations: [
            {
              name: j.location,
              city: primary?.addressLocality,
              region: primary?.addressRegion,
              country: primary?.addressCountry,
            },
            ...(j.secondaryLocations ?? []).map((l) => ({
              name: l.location,
              city: l.address?.addressLocality,
              region: l.address?.addressRegion,
              country: l.address?.addressCountry,
            })),
          ],
          department: j.department ?? j.team,
          descriptionHtml: j.descriptionHtml,
          workplaceType: j.workplaceType ?? (j.isRemote === true ? "remote" : undefined),
          employmentType: j.employmentType,
          salary: pay
            ? { min: pay.minValue, max: pay.maxValue, currency: pay.currencyCode, period: pay.interval }
            : undefined,
          postedAt: j.publishedAt,
          ...(j.isListed === false ? { published: false } : {}),
        };
      }),
      next: null,
    };
  },
});
