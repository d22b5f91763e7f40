import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { asList, extractItems, field, parseJsonEnvelope, sectionsHtml, trimSlash } from "./parse.ts";

/**
 * Lever Postings API (github.com/lever/postings-api): GET {baseUrl}/v0/postings/{site}?mode=json&skip=N&limit=M
 * returns a bare JSON array of `{ id, text, categories: { location, commitment, team, department,
 * allLocations }, country, hostedUrl, applyUrl, createdAt (epoch ms), workplaceType (on-site,
 * remote, hybrid, unspecified), description (opening and body, HTML), lists: [{ text, content }],
 * additional (HTML), salaryRange: { min, max, currency, interval (per-year-salary,
 * per-month-salary, per-hour-wage ...) } }`. Only published postings are listed. A page
 * shorter than `limit` is the last one.
 */
const config = z.object({
  site: z.string().min(1),
  /** `https://api.eu.lever.co` for EU-hosted accounts. */
  baseUrl: z.url().default("https://api.lever.co"),
  pageSize: z.number().int().min(1).max(500).default(100),
});

export const LEVER_RAW_FIELDS = ["id", "createdAt", "country", "workplaceType"];

const posting = z.looseObject({
  id: field,
  text: field,
  hostedUrl: field,
  createdAt: field,
  country: field,
  workplaceType: field,
  description: field,
  additional: field,
  lists: z.array(z.looseObject({ text: field, content: field })).nullish().catch(null),
  salaryRange: z.looseObject({ min: field, max: field, currency: field, interval: field }).nullish().catch(
    null,
  ),
  categories: z
    .looseObject({ location: field, team: field, department: field, commitment: field, allLocations: field })
    .nullish()
    .catch(null),
});

export const lever = defineAdapter({
  name: "lever",
  configSchema: config,
  cursorSchema: z.object({ skip: z.number().int().min(0) }),
  start: () => ({ skip: 0 }),
  async fetchPage(cfg, cursor, fetch) {
    const url = `${trimSlash(cfg.baseUrl)}/v0/postings/${
      encodeURIComponent(cfg.site)
    }?mode=json&skip=${cursor.skip}&limit=${cfg.pageSize}`;
    const response = await fetch(url, "application/json");
    const postings = parseJsonEnvelope(response, z.array(z.unknown()));
    return {
      items: extractItems(postings, posting, LEVER_RAW_FIELDS, (p) => {
        const names = asList(p.categories?.allLocations ?? p.categories?.location);
        // `country` is the posting's country code; with one location it belongs to it.
        const country = names.length === 1 ? p.country : undefined;
        return {
          externalId: p.id,
          title: p.text,
          url: p.hostedUrl,
          locations: names.map((name) => ({ name, country })),
          department: p.categories?.department ?? p.categories?.team,
          descriptionHtml: sectionsHtml([
            { html: p.description },
            ...(p.lists ?? []).map((list) => ({
              title: list.text,
              html: typeof list.content === "string" ? `<ul>${list.content}</ul>` : undefined,
            })),
            { html: p.additional },
          ]),
          workplaceType: p.workplaceType,
          employmentType: p.categories?.commitment,
          salary: p.salaryRange
            ? {
              min: p.salaryRange.min,
              max: p.salaryRange.max,
              currency: p.salaryRange.currency,
              period: p.salaryRange.interval,
            }
            : undefined,
          postedAt: p.createdAt,
        };
      }),
      next: postings.length < cfg.pageSize ? null : { skip: cursor.skip + postings.length },
    };
  },
});
