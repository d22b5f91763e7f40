import { describe, expect, it } from "vitest";
import { lookerLinkUrl } from "../../../scripts/looker-link.ts";

describe("lookerLinkUrl", () => {
  it("creates a blank report over monitoring.daily_summary", () => {
    expect(lookerLinkUrl({ projectId: "scrape-ops-prod" })).toBe(
      "https://lookerstudio.google.com/reporting/create?r.reportName=Scrape%20ops%20daily%20summary" +
        "&ds.ds0.connector=bigQuery&ds.ds0.type=TABLE&ds.ds0.projectId=scrape-ops-prod" +
        "&ds.ds0.datasetId=monitoring&ds.ds0.tableId=daily_summary",
    );
  });

  it("starts from a template report and encodes the name", () => {
    const url = new URL(
      lookerLinkUrl({ projectId: "p-1", templateReportId: "abc-123", reportName: "Ops & more" }),
    );
    expect(url.origin + url.pathname).toBe("https://lookerstudio.google.com/reporting/create");
    expect([...url.searchParams]).toEqual([
      ["c.reportId", "abc-123"],
      ["r.reportName", "Ops & more"],
      ["ds.ds0.connector", "bigQuery"],
      ["ds.ds0.type", "TABLE"],
      ["ds.ds0.projectId", "p-1"],
      ["ds.ds0.datasetId", "monitoring"],
      ["ds.ds0.tableId", "daily_summary"],
    ]);
  });

  it("requires a project id", () => {
    expect(() => lookerLinkUrl({ projectId: "" })).toThrow("BIGQUERY_PROJECT_ID");
  });
});
