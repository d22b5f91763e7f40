// Prints a Looker Studio Linking API URL that creates a report over the BigQuery mirror table
// `<project>.monitoring.daily_summary`. Opening it in a browser signed in to Google creates the
// report (from a template when one is given, else blank) with that table as data source ds0.
//
//   npm run looker:link -- [--project <id>] [--template <report id>] [--name <report name>]
//
// Defaults come from BIGQUERY_PROJECT_ID and LOOKER_TEMPLATE_REPORT_ID. With a template, its
// BigQuery data source must carry the Linking API alias `ds0` (the alias of a report's first
// data source unless renamed); `ds.ds0.connector` replaces that data source's configuration.

import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { MIRROR_DATASET, MIRROR_TABLE } from "../supabase/functions/_shared/mirror/schema.ts";

const LINKING_API = "https://lookerstudio.google.com/reporting/create";
export const DEFAULT_REPORT_NAME = "Scrape ops daily summary";

export interface LookerLinkOptions {
  projectId: string;
  /** Template report (`c.reportId`); without it Looker Studio starts from a blank report. */
  templateReportId?: string;
  /** `r.reportName`. Default DEFAULT_REPORT_NAME. */
  reportName?: string;
}

export function lookerLinkUrl(options: LookerLinkOptions): string {
  if (!options.projectId) {
    throw new Error("a BigQuery project id is required (BIGQUERY_PROJECT_ID or --project)");
  }
  const params: [string, string][] = [
    ...(options.templateReportId ? [["c.reportId", options.templateReportId] as [string, string]] : []),
    ["r.reportName", options.reportName ?? DEFAULT_REPORT_NAME],
    ["ds.ds0.connector", "bigQuery"],
    ["ds.ds0.type", "TABLE"],
    ["ds.ds0.projectId", options.projectId],
    ["ds.ds0.datasetId", MIRROR_DATASET],
    ["ds.ds0.tableId", MIRROR_TABLE],
  ];
  // encodeURIComponent rather than URLSearchParams: a space becomes %20, not "+", which is
  // unambiguous in a path-style query however the receiver decodes it.
  return `${LINKING_API}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`;
}

function main(): void {
  const { values } = parseArgs({
    options: { project: { type: "string" }, template: { type: "string" }, name: { type: "string" } },
  });
  try {
    console.log(lookerLinkUrl({
      projectId: values.project ?? process.env.BIGQUERY_PROJECT_ID ?? "",
      templateReportId: values.template ?? (process.env.LOOKER_TEMPLATE_REPORT_ID || undefined),
      reportName: values.name,
    }));
  } catch (error) {
    console.error(`looker:link: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
