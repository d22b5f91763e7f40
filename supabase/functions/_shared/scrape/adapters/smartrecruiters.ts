import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { extractItems, field, joinParts, parseJsonEnvelope, trimSlash } from "./parse.ts";

/**
 * SmartRecruiters Posting API: GET {baseUrl}/v1/companies/{companyId}/postings?offset=N&limit=M
 * returns `{ offset, limit, totalFound, content: [{ id, name, uuid, refNumber, company,
 * releasedDate, location: { city, region, country, remote, fullLocation }, department: { label },
 * typeOfEmployment, experienceLevel, ref }] }`. `ref` is the API URL of the posting; the public
 * page is {jobsBaseUrl}/{companyId}/{id}.
 */
const config = z.object({
  companyId: z.string().min(1),
  baseUrl: z.url().default("https://api.smartrecruiters.com"),
  jobsBaseUrl: z.url().default("https://jobs.smartrecruiters.com"),
  /** The API caps `limit` at 100. */
  pageSize: z.number().int().min(1).max(100).default(100),
});

const posting = z.looseObject({
  id: field,
  name: field,
  releasedDate: field,
  location: z
    .looseObject({ city: field, region: field, country: field, fullLocation: field })
    .nullish()
    .catch(null),
  department: z.looseObject({ label: field }).nullish().catch(null),
});

/** The API sends ISO 3166 codes in lower case ("de"); everywhere else they are upper case. */
function countryCode(country: unknown): unknown {
  return typeof country === "string" && country.length === 2 ? country.toUpperCase() : country;
}

export const smartrecruiters = defineAdapter({
  name: "smartrecruiters",
  configSchema: config,
  cursorSchema: z.object({ offset: z.number().int().min(0) }),
  start: () => ({ offset: 0 }),
  async fetchPage(cfg, cursor, fetch) {
    const company = encodeURIComponent(cfg.companyId);
    const url = `${
      trimSlash(cfg.baseUrl)
    }/v1/companies/${company}/postings?offset=${cursor.offset}&limit=${cfg.pageSize}`;
    const response = await fetch(url, "application/json");
    const body = parseJsonEnvelope(
      response,
      z.object({ totalFound: z.number().int().min(0), content: z.array(z.unknown()) }),
    );
    const nextOffset = cursor.offset + body.content.length;
    return {
      items: extractItems(body.content, posting, (p) => ({
        externalId: p.id,
        title: p.name,
        url: typeof p.id === "string" || typeof p.id === "number"
          ? `${trimSlash(cfg.jobsBaseUrl)}/${company}/${encodeURIComponent(String(p.id))}`
          : undefined,
        location: joinParts(p.location?.city, p.location?.region, countryCode(p.location?.country)) ??
          p.location?.fullLocation,
        department: p.department?.label,
        postedAt: p.releasedDate,
      })),
      next: body.content.length === 0 || nextOffset >= body.totalFound ? null : { offset: nextOffset },
    };
  },
});
