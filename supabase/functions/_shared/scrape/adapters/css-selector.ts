import { z } from "zod";
import { absoluteUrl } from "./parse.ts";
import { defineHtmlListingAdapter, listingConfig } from "./html-pages.ts";

/**
 * Career pages without structured data: every posting is an element on a (paginated) listing
 * page; the config says where its fields are. Selectors of fields are relative to the item. The
 * raw record is the selected fields themselves (nothing else of the page is kept).
 */
const config = z.object({
  ...listingConfig,
  selectors: z.object({
    item: z.string().min(1),
    title: z.string().min(1),
    link: z.string().min(1),
    /** Every match is one location. */
    location: z.string().min(1).optional(),
    department: z.string().min(1).optional(),
    postedAt: z.string().min(1).optional(),
    /** Its inner HTML is the description. */
    description: z.string().min(1).optional(),
    employmentType: z.string().min(1).optional(),
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
        department: field(selectors.department),
        postedAt: field(selectors.postedAt),
        employmentType: field(selectors.employmentType),
      };
      const locations = selectors.location === undefined
        ? []
        : item.find(selectors.location).toArray().map((place) => ({ name: $(place).text() }));
      const description = selectors.description === undefined
        ? undefined
        : item.find(selectors.description).first().html() ?? undefined;
      return { ...fields, locations, descriptionHtml: description, raw: fields };
    });
    return { items };
  },
});
