import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { extractItems, field, parseJsonEnvelope, trimSlash } from "./parse.ts";

/**
 * Workable public jobs API (the widget endpoint behind Workable-hosted career pages, no key):
 * GET {baseUrl}/api/v1/widget/accounts/{account}?details=true returns `{ name, description,
 * jobs: [{ title, shortcode, code, employment_type, telecommuting, department, url, shortlink,
 * application_url, published_on ("2024-01-15"), created_at, country, city, state, locations:
 * [{ country, countryCode, city, region, hidden }], experience, function, industry, education,
 * description (HTML, with details=true) }] }`. Only published jobs are listed; a location with
 * `hidden: true` is not shown to candidates and is left out. No salary, no paging.
 */
const config = z.object({
  account: z.string().min(1),
  baseUrl: z.url().default("https://apply.workable.com"),
});

export const WORKABLE_RAW_FIELDS = [
  "shortcode",
  "code",
  "published_on",
  "created_at",
  "experience",
  "function",
  "industry",
  "education",
];

const place = z.looseObject({
  country: field,
  countryCode: field,
  city: field,
  region: field,
  hidden: field,
});
const job = z.looseObject({
  title: field,
  shortcode: field,
  employment_type: field,
  telecommuting: field,
  workplace_type: field,
  department: field,
  url: field,
  published_on: field,
  created_at: field,
  country: field,
  city: field,
  state: field,
  locations: z.array(place).nullish().catch(null),
  description: field,
});

export const workable = defineAdapter({
  name: "workable",
  configSchema: config,
  cursorSchema: z.object({ page: z.literal("account") }),
  start: () => ({ page: "account" as const }),
  async fetchPage(cfg, _cursor, fetch) {
    const url = `${trimSlash(cfg.baseUrl)}/api/v1/widget/accounts/${
      encodeURIComponent(cfg.account)
    }?details=true`;
    const response = await fetch(url, "application/json");
    const body = parseJsonEnvelope(response, z.looseObject({ jobs: z.array(z.unknown()) }));
    return {
      items: extractItems(body.jobs, job, WORKABLE_RAW_FIELDS, (j) => {
        const places = (j.locations ?? []).filter((l) => l.hidden !== true);
        return {
          externalId: j.shortcode,
          title: j.title,
          url: j.url,
          locations: places.length > 0
            ? places.map((l) => ({ city: l.city, region: l.region, country: l.country }))
            : [{ city: j.city, region: j.state, country: j.country }],
          department: j.department,
          descriptionHtml: j.description,
          workplaceType: j.workplace_type ?? (j.telecommuting === true ? "remote" : undefined),
          employmentType: j.employment_type,
          postedAt: j.published_on ?? j.created_at,
        };
      }),
      next: null,
    };
  },
});
