import { z } from "zod";
import type { HttpResponse } from "../http.ts";
import { defineAdapter } from "./types.ts";
import { absoluteUrl, extractItems, field, parseJsonEnvelope, sectionsHtml, trimSlash } from "./parse.ts";

/**
 * SmartRecruiters Posting API: GET {baseUrl}/v1/companies/{companyId}/postings?offset=N&limit=M
 * returns `{ offset, limit, totalFound, content: [{ id, name, uuid, refNumber, company,
 * releasedDate, location: { city, region, country, remote, hybrid, fullLocation },
 * department: { label }, typeOfEmployment: { label }, experienceLevel, creator: { name }, ref }] }`,
 * without the ad's text. `ref` is the API URL of the posting, GET returns the posting with
 * `jobAd.sections.{companyDescription, jobDescription, qualifications, additionalInformation}
 * .{title, text}` and `postingUrl` (the public page, else {jobsBaseUrl}/{companyId}/{id}), so
 * every posting is read from its detail. `creator` names a person and is never read.
 */
const config = z.object({
  companyId: z.string().min(1),
  baseUrl: z.url().default("https://api.smartrecruiters.com"),
  jobsBaseUrl: z.url().default("https://jobs.smartrecruiters.com"),
  /** The API caps `limit` at 100. */
  pageSize: z.number().int().min(1).max(100).default(100),
});

export const SMARTRECRUITERS_RAW_FIELDS = ["id", "uuid", "refNumber", "releasedDate", "visibility"];

const section = z.looseObject({ title: field, text: field }).nullish().catch(null);
const posting = z.looseObject({
  id: field,
  name: field,
  releasedDate: field,
  postingUrl: field,
  visibility: field,
  location: z
    .looseObject({
      city: field,
      region: field,
      country: field,
      fullLocation: field,
      remote: field,
      hybrid: field,
    })
    .nullish()
    .catch(null),
  department: z.looseObject({ label: field }).nullish().catch(null),
  typeOfEmployment: z.looseObject({ label: field }).nullish().catch(null),
  jobAd: z.looseObject({
    sections: z.looseObject({
      companyDescription: section,
      jobDescription: section,
      qualifications: section,
      additionalInformation: section,
    }).nullish().catch(null),
  }).nullish().catch(null),
});

/** The API sends ISO 3166 codes in lower case ("de"); everywhere else they are upper case. */
function countryCode(country: unknown): unknown {
  return typeof country === "string" && country.length === 2 ? country.toUpperCase() : country;
}

function parsePosting(cfg: z.output<typeof config>, response: HttpResponse) {
  const record = parseJsonEnvelope(response, z.looseObject({ id: field }));
  const company = encodeURIComponent(cfg.companyId);
  return extractItems([record], posting, SMARTRECRUITERS_RAW_FIELDS, (p) => {
    const sections = p.jobAd?.sections;
    const location = p.location;
    return {
      externalId: p.id,
      title: p.name,
      url: typeof p.postingUrl === "string"
        ? p.postingUrl
        : typeof p.id === "string" || typeof p.id === "number"
        ? `${trimSlash(cfg.jobsBaseUrl)}/${company}/${encodeURIComponent(String(p.id))}`
        : undefined,
      locations: location
        ? [{
          name: location.fullLocation,
          city: location.city,
          region: location.region,
          country: countryCode(location.country),
        }]
        : [],
      department: p.department?.label,
      descriptionHtml: sectionsHtml(
        [
          sections?.companyDescription,
          sections?.jobDescription,
          sections?.qualifications,
          sections?.additionalInformation,
        ]
          .map((s) => ({ title: s?.title, html: s?.text })),
      ),
      workplaceType: location?.hybrid === true
        ? "hybrid"
        : location?.remote === true
        ? "remote"
        : location?.remote === false
        ? "onsite"
        : undefined,
      employmentType: p.typeOfEmployment?.label,
      postedAt: p.releasedDate,
      ...(p.visibility === undefined || p.visibility === "PUBLIC" ? {} : { published: false }),
    };
  });
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
    const detailUrls: string[] = [];
    const items = [];
    for (const record of body.content) {
      const ref = (record as { ref?: unknown } | null)?.ref;
      const detail = typeof ref === "string" ? absoluteUrl(ref, response.finalUrl) : null;
      // A listed record without a readable ref still counts (and is rejected) instead of vanishing.
      if (detail) detailUrls.push(detail);
      else items.push(...extractItems([record], posting, SMARTRECRUITERS_RAW_FIELDS, () => ({})));
    }
    return {
      items,
      detailUrls,
      next: body.content.length === 0 || nextOffset >= body.totalFound ? null : { offset: nextOffset },
    };
  },
  parseDetail: (cfg, response) => parsePosting(cfg, response),
});
