import { z } from "zod";
import { defineAdapter } from "./types.ts";
import { extractItems, field, parseJsonEnvelope, trimSlash } from "./parse.ts";

/**
 * Greenhouse Job Board API: GET {baseUrl}/v1/boards/{boardToken}/jobs?content=true returns
 * `{ jobs: [{ id, internal_job_id, title, updated_at, first_published, requisition_id,
 * location: { name }, absolute_url, metadata, content, departments: [{ id, name }],
 * offices: [{ id, name, location }] }], meta: { total } }` (developers.greenhouse.io/job-board.html).
 * `content` is entity-escaped HTML ("&lt;p&gt;"); `metadata` holds custom fields (they may name
 * recruiters) and is never read. The list has no employment type, and pay ranges only come from
 * the single-job endpoint with `pay_transparency=true`, so both stay empty. Every listed job is
 * published. One response holds the whole board, so the cursor only says "not yet fetched".
 */
const config = z.object({
  boardToken: z.string().min(1),
  baseUrl: z.url().default("https://boards-api.greenhouse.io"),
});

/** The raw fields kept (ops.postings.raw): ids and dates, nothing about people. */
export const GREENHOUSE_RAW_FIELDS = [
  "id",
  "internal_job_id",
  "requisition_id",
  "updated_at",
  "first_published",
];

const job = z.looseObject({
  id: field,
  title: field,
  absolute_url: field,
  updated_at: field,
  first_published: field,
  content: field,
  location: z.looseObject({ name: field }).nullish().catch(null),
  departments: z.array(z.looseObject({ name: field })).nullish().catch(null),
  offices: z.array(z.looseObject({ name: field, location: field })).nullish().catch(null),
});

export const greenhouse = defineAdapter({
  name: "greenhouse",
  configSchema: config,
  cursorSchema: z.object({ page: z.literal("board") }),
  start: () => ({ page: "board" as const }),
  async fetchPage(cfg, _cursor, fetch) {
    const url = `${trimSlash(cfg.baseUrl)}/v1/boards/${encodeURIComponent(cfg.boardToken)}/jobs?content=true`;
    const response = await fetch(url, "application/json");
    const body = parseJsonEnvelope(response, z.object({ jobs: z.array(z.unknown()) }));
    return {
      items: extractItems(body.jobs, job, GREENHOUSE_RAW_FIELDS, (j) => {
        // Offices are the posting's locations; a job without offices has its location name only.
        const offices = (j.offices ?? []).map((office) => ({ name: office.location ?? office.name }));
        return {
          externalId: j.id,
          title: j.title,
          url: j.absolute_url,
          locations: offices.length > 0 ? offices : [{ name: j.location?.name }],
          department: j.departments?.[0]?.name,
          descriptionHtml: j.content,
          // Greenhouse has no workplace field; boards write "Remote" as the location name.
          workplaceType: j.location?.name,
          postedAt: j.first_published ?? j.updated_at,
        };
      }),
      next: null,
    };
  },
});
