import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { extractItems, field, parseJsonEnvelope, sectionsHtml, trimSlash } from "./parse.ts";

/**
 * Recruitee careers site API: GET https://{company}.recruitee.com/api/offers/ returns
 * `{ offers: [{ id, slug, title, status, department, location, city, state, country,
 * locations: [{ city, state, country, country_code, ... }], remote, hybrid, on_site,
 * careers_url, careers_apply_url, created_at, published_at ("2024-01-15 10:00:00 UTC"),
 * employment_type_code, salary: { min, max, currency, period }, description, requirements }] }`.
 * An offer whose `status` is not "published" is not open.
 */
const config = z
  .object({
    company: z.string().min(1).optional(),
    /** Overrides `https://{company}.recruitee.com` (custom domains, fixtures). */
    baseUrl: z.url().optional(),
  })
  .refine((c) => c.company !== undefined || c.baseUrl !== undefined, {
    message: "either company or baseUrl is required",
  });

export const RECRUITEE_RAW_FIELDS = [
  "id",
  "slug",
  "status",
  "created_at",
  "published_at",
  "employment_type_code",
  "experience_code",
  "education_code",
  "category_code",
];

const place = z.looseObject({ city: field, state: field, country: field, country_code: field, name: field });

const offer = z.looseObject({
  id: field,
  title: field,
  status: field,
  careers_url: field,
  location: field,
  city: field,
  state: field,
  country: field,
  locations: z.array(place).nullish().catch(null),
  remote: field,
  hybrid: field,
  on_site: field,
  department: field,
  published_at: field,
  created_at: field,
  employment_type_code: field,
  salary: z.looseObject({ min: field, max: field, currency: field, period: field }).nullish().catch(null),
  description: field,
  requirements: field,
});

export const recruitee = defineAdapter({
  name: "recruitee",
  configSchema: config,
  cursorSchema: z.object({ page: z.literal("offers") }),
  start: () => ({ page: "offers" as const }),
  async fetchPage(cfg, _cursor, fetch) {
    const base = cfg.baseUrl ?? `https://${cfg.company}.recruitee.com`;
    const response = await fetch(`${trimSlash(base)}/api/offers/`, "application/json");
    const body = parseJsonEnvelope(response, z.object({ offers: z.array(z.unknown()) }));
    return {
      items: extractItems(body.offers, offer, RECRUITEE_RAW_FIELDS, (o) => ({
        externalId: o.id,
        title: o.title,
        url: o.careers_url,
        locations: o.locations && o.locations.length > 0
          ? o.locations.map((l) => ({ name: l.name, city: l.city, region: l.state, country: l.country }))
          : [{ name: o.location, city: o.city, region: o.state, country: o.country }],
        department: o.department,
        descriptionHtml: sectionsHtml([
          { html: o.description },
          { title: "Requirements", html: o.requirements },
        ]),
        workplaceType: o.remote === true
          ? "remote"
          : o.hybrid === true
          ? "hybrid"
          : o.on_site === true
          ? "onsite"
          : undefined,
        employmentType: o.employment_type_code,
        salary: o.salary ?? undefined,
        postedAt: o.published_at ?? o.created_at,
        ...(o.status === undefined || o.status === "published" ? {} : { published: false }),
      })),
      next: null,
    };
  },
});
