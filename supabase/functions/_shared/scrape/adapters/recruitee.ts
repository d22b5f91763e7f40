import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { extractItems, field, joinParts, parseJsonEnvelope, trimSlash } from "./parse.ts";

/**
 * Recruitee careers site API: GET https://{company}.recruitee.com/api/offers/ returns
 * `{ offers: [{ id, slug, title, department, location, city, country, remote, careers_url,
 * careers_apply_url, created_at, published_at, employment_type_code, description, ... }] }`.
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

const offer = z.looseObject({
  id: field,
  title: field,
  careers_url: field,
  location: field,
  city: field,
  country: field,
  department: field,
  published_at: field,
  created_at: field,
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
      items: extractItems(body.offers, offer, (o) => ({
        externalId: o.id,
        title: o.title,
        url: o.careers_url,
        location: typeof o.location === "string" && o.location !== ""
          ? o.location
          : joinParts(o.city, o.country),
        department: o.department,
        postedAt: o.published_at ?? o.created_at,
      })),
      next: null,
    };
  },
});
