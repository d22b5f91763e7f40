import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { checkShape, extractItems, field, parseXml, trimSlash } from "./parse.ts";

/**
 * Personio XML feed: GET https://{company}.jobs.personio.de/xml[?language=en] returns
 * `<workzag-jobs><position><id/><subcompany/><office/><additionalOffices/><department/>
 * <recruitingCategory/><name/><jobDescriptions>...</jobDescriptions><employmentType/>
 * <seniority/><schedule/><yearsOfExperience/><occupation/><createdAt/></position>...`.
 * The feed has no posting URL; the public page is {baseUrl}/job/{id}.
 */
const config = z
  .object({
    company: z.string().min(1).optional(),
    /** Overrides `https://{company}.jobs.personio.de`. */
    baseUrl: z.url().optional(),
    language: z.string().min(2).max(5).optional(),
  })
  .refine((c) => c.company !== undefined || c.baseUrl !== undefined, {
    message: "either company or baseUrl is required",
  });

const position = z.looseObject({
  id: field,
  name: field,
  office: field,
  department: field,
  createdAt: field,
});

const feed = z.object({
  // An empty feed parses as "" rather than an element.
  "workzag-jobs": z.union([z.literal(""), z.object({ position: z.array(z.unknown()).optional() })]),
});

export const personio = defineAdapter({
  name: "personio",
  configSchema: config,
  cursorSchema: z.object({ page: z.literal("feed") }),
  start: () => ({ page: "feed" as const }),
  async fetchPage(cfg, _cursor, fetch) {
    const base = trimSlash(cfg.baseUrl ?? `https://${cfg.company}.jobs.personio.de`);
    const query = cfg.language ? `?language=${encodeURIComponent(cfg.language)}` : "";
    const response = await fetch(`${base}/xml${query}`, "application/xml");
    const root = checkShape(response, feed, parseXml(response, ["workzag-jobs.position"]))["workzag-jobs"];
    const positions = root === "" ? [] : root.position ?? [];
    return {
      items: extractItems(positions, position, (p) => ({
        externalId: p.id,
        title: p.name,
        url: typeof p.id === "string" && p.id !== "" ? `${base}/job/${encodeURIComponent(p.id)}` : undefined,
        location: p.office,
        department: p.department,
        postedAt: p.createdAt,
      })),
      next: null,
    };
  },
});
