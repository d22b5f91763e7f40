import { z } from "zod";
import { absoluteUrl } from "./parse.ts";
import { defineHtmlListingAdapter, listingConfig } from "./html-pages.ts";

/**
 * Career pages without structured data: every posting is an element on a (paginated) listing
 * page; the config says where its fields are. Selectors of fields are relative to the item.
 */
const config = z.object({
  ...listingConfig,
  selectors: z.object({
    item: z.string().min(1),
    title: z.string().min(1),
    link: z.string().min(1),
    location: z.string().min(1).optional(),
    department: z.string().min(1).optional(),
    postedAt: z.string().min(1).optional(),
  }),
  /** Attribute of the item holding a stable id; without it the posting URL is the id. */
  idAttribute: z.string().min(1).optional(),
});

export const cssSelector = defineHtmlListingAdapter({
  name: "css-selector",
  configSchema: config,
  readListing(cfg, $, response) {
    const { selectors } = cfg;
    const items = $(selectors.item).toArray().map((element) => {
      const item = $(element);
      const field = (selector: string | undefined) =>
        selector === undefined ? undefined : item.find(selector).first().text() || undefined;
      const url = absoluteUrl(item.find(selectors.link).first().attr("href"), response.finalUrl) ?? undefined;
      const fields = {
        externalId: (cfg.idAttribute ? item.attr(cfg.idAttribute) : undefined) ?? url,
        title: field(selectors.title),
        url,
        location: field(selectors.location),
        department: field(selectors.department),
        postedAt: field(selectors.postedAt),
      };
      return { ...fields, raw: fields };
    });
    return { items };
  },
});
