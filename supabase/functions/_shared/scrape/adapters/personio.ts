import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { asList, checkShape, extractItems, field, parseXml, sectionsHtml, trimSlash } from "./parse.ts";

/**
 * Personio XML feed: GET https://{company}.jobs.personio.de/xml[?language=en] returns
 * `<workzag-jobs><position><id/><subcompany/><office/><additionalOffices><office/>...
 * </additionalOffices><department/><recruitingCategory/><name/><jobDescriptions><jobDescription>
 * <name/><value/></jobDescription>...</jobDescriptions><employmentType/><seniority/><schedule/>
 * <yearsOfExperience/><occupation/><createdAt/></position>...`. `employmentType` is permanent,
 * intern, trainee, freelance or temporary; `schedule` full-time, part-time or flexible (what a
 * permanent position is). The feed lists published positions only, has no salary, no remote flag
 * and no posting URL; the public page is {baseUrl}/job/{id}.
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

export const PERSONIO_RAW_FIELDS = [
  "id",
  "subcompany",
  "recruitingCategory",
  "seniority",
  "schedule",
  "yearsOfExperience",
  "occupation",
  "occupationCategory",
  "createdAt",
];

const position = z.looseObject({
  id: field,
  name: field,
  office: field,
  additionalOffices: z.looseObject({ office: field }).nullish().catch(null),
  department: field,
  employmentType: field,
  schedule: field,
  createdAt: field,
  jobDescriptions: z
    .looseObject({ jobDescription: z.array(z.looseObject({ name: field, value: field })).catch([]) })
    .nullish()
    .catch(null),
});

const feed = z.object({
  // An empty feed parses as "" rather than an element.
  "workzag-jobs": z.union([z.literal(""), z.object({ position: z.array(z.unknown()).optional() })]),
});

const ARRAYS = [
  "workzag-jobs.position",
  "workzag-jobs.position.additionalOffices.office",
  "workzag-jobs.position.jobDescriptions.jobDescription",
];

export const personio = defineAdapter({
  name: "personio",
  configSchema: config,
  cursorSchema: z.object({ page: z.literal("feed") }),
  start: () => ({ page: "feed" as const }),
  async fetchPage(cfg, _cursor, fetch) {
    const base = trimSlash(cfg.baseUrl ?? `https://${cfg.company}.jobs.personio.de`);
    const query = cfg.language ? `?language=${encodeURIComponent(cfg.language)}` : "";
    const response = await fetch(`${base}/xml${query}`, "application/xml");
    const root = checkShape(response, feed, parseXml(response, ARRAYS))["workzag-jobs"];
    const positions = root === "" ? [] : root.position ?? [];
    return {
      items: extractItems(positions, position, PERSONIO_RAW_FIELDS, (p) => ({
        externalId: p.id,
        title: p.name,
        url: typeof p.id === "string" && p.id !== "" ? `${base}/job/${encodeURIComponent(p.id)}` : undefined,
        locations: [p.office, ...asList(p.additionalOffices?.office)].map((name) => ({ name })),
        department: p.department,
        descriptionHtml: sectionsHtml(
          (p.jobDescriptions?.jobDescription ?? []).map((d) => ({ title: d.name, html: d.value })),
        ),
        employmentType: p.employmentType === "permanent" ? p.schedule : p.employmentType,
        postedAt: p.createdAt,
      })),
      next: null,
    };
  },
});
