import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { extractItems, field, parseJsonEnvelope, trimSlash } from "./parse.ts";

/**
 * Lever Postings API: GET {baseUrl}/v0/postings/{site}?mode=json&skip=N&limit=M returns a bare
 * JSON array of `{ id, text, categories: { location, commitment, team, department }, country,
 * hostedUrl, applyUrl, createdAt (epoch ms), workplaceType, descriptionPlain, ... }`.
 * A page shorter than `limit` is the last one.
 */
const config = z.object({
  site: z.string().min(1),
  /** `https://api.eu.lever.co` for EU-hosted accounts. */
  baseUrl: z.url().default("https://api.lever.co"),
  pageSize: z.number().int().min(1).max(500).default(100),
});

const posting = z.looseObject({
  id: field,
  text: field,
  hostedUrl: field,
  createdAt: field,
  categories: z
    .looseObject({ location: field, team: field, department: field })
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
      items: extractItems(postings, posting, (p) => ({
        externalId: p.id,
        title: p.text,
        url: p.hostedUrl,
        location: p.categories?.location,
        department: p.categories?.department ?? p.categories?.team,
        postedAt: p.createdAt,
      })),
      next: postings.length < cfg.pageSize ? null : { skip: cursor.skip + postings.length },
    };
  },
});
