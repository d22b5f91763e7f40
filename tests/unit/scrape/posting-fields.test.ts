// Posting records field by field: each adapter against payloads shaped like the real API's
// documentation and known quirks (entity-escaped HTML, several locations, non-ISO timestamps,
// epoch milliseconds, missing optional objects, paging), and the rules for bad input.
import { describe, expect, it } from "vitest";
import { ADAPTERS } from "../../../supabase/functions/_shared/scrape/adapters/index.ts";
import type { AdapterName } from "../../../supabase/functions/_shared/scrape/adapters/types.ts";
import { crawl, type CrawlResult } from "../../../supabase/functions/_shared/scrape/crawl.ts";
import {
  type HttpClient,
  type HttpResponse,
  parseHtml,
} from "../../../supabase/functions/_shared/scrape/http.ts";
import {
  type ExtractedPosting,
  normalizePosting,
  salaryOf,
  toIsoDate,
} from "../../../supabase/functions/_shared/scrape/posting.ts";
import { DESCRIPTION_CAP, htmlToText } from "../../../supabase/functions/_shared/scrape/text.ts";
import { VirtualClock } from "./helpers.ts";

const NOW = Date.parse("2026-11-26T12:00:00Z");

/** A clock frozen at NOW: what "the run's clock" is in these tests. */
function frozenAt(ms: number): VirtualClock {
  return new VirtualClock(() => ms);
}

type Site = Record<string, unknown | ((json: unknown) => unknown)>;

/**
 * A stand-in for the career site: answers each URL (by path and query) with a canned body, and
 * records the requests (with POST bodies). JSON values are serialized, strings served as they are.
 */
function siteClient(site: Site): HttpClient & { requests: { url: string; json?: unknown }[] } {
  const requests: { url: string; json?: unknown }[] = [];
  return {
    requests,
    get(url, options) {
      requests.push({ url, ...(options?.json === undefined ? {} : { json: options.json }) });
      const u = new URL(url);
      const entry = site[u.pathname + u.search] ?? site[u.pathname];
      if (entry === undefined) return Promise.reject(new Error(`unexpected request ${url}`));
      const value = typeof entry === "function" ? entry(options?.json) : entry;
      const body = typeof value === "string" ? value : JSON.stringify(value);
      const response: HttpResponse = {
        url,
        finalUrl: url,
        status: 200,
        headers: new Headers(),
        contentType: typeof value === "string" ? "text/html" : "application/json",
        body,
        html: () => parseHtml(body),
      };
      return Promise.resolve(response);
    },
  };
}

async function run(adapter: AdapterName, config: unknown, site: Site, now = NOW): Promise<CrawlResult> {
  return await crawl({ adapter: ADAPTERS[adapter], config, http: siteClient(site), clock: frozenAt(now) });
}

const BASE = "https://ats.test";

describe("greenhouse", () => {
  it("decodes the entity-escaped content once, keeps every office, drops metadata", async () => {
    const result = await run("greenhouse", { boardToken: "acme", baseUrl: BASE }, {
      "/v1/boards/acme/jobs": {
        jobs: [{
          id: 127817,
          internal_job_id: 144381,
          title: "R&amp;D Engineer",
          updated_at: "2026-01-14T10:55:28-05:00",
          first_published: "2026-01-10T09:00:00-05:00",
          requisition_id: "50",
          location: { name: "Berlin; Paris" },
          absolute_url: "https://boards.greenhouse.io/acme/jobs/127817",
          metadata: [{ id: 1, name: "Recruiter", value: "Rita Recruiter", value_type: "short_text" }],
          content:
            "&lt;p&gt;Build &amp;amp; ship.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Go&lt;/li&gt;&lt;li&gt;SQL&lt;/li&gt;&lt;/ul&gt;" +
            "&lt;p&gt;Mail rita@acme.example&lt;/p&gt;",
          departments: [{ id: 1, name: "Research &amp; Development", parent_id: null, child_ids: [] }],
          offices: [
            { id: 1, name: "Berlin HQ", location: "Berlin, Germany", parent_id: null, child_ids: [] },
            { id: 2, name: "Paris", location: null, parent_id: null, child_ids: [] },
          ],
        }],
        meta: { total: 1 },
      },
    });
    const [posting] = result.postings;
    expect(posting).toMatchObject({
      externalId: "127817",
      title: "R&D Engineer",
      department: "Research & Development",
      location: "Berlin, Germany; Paris",
      locations: [
        { name: "Berlin, Germany", city: null, region: null, country: null },
        { name: "Paris", city: null, region: null, country: null },
      ],
      // The wire escapes the HTML once: "&amp;amp;" is the HTML "&amp;", the text "&".
      description: "Build & ship.\n- Go\n- SQL\nMail [e-mail removed]",
      workplaceType: null,
      employmentType: null,
      salary: null,
      postedAt: "2026-01-10T14:00:00.000Z",
      validThrough: null,
      raw: {
        id: 127817,
        internal_job_id: 144381,
        requisition_id: "50",
        updated_at: "2026-01-14T10:55:28-05:00",
        first_published: "2026-01-10T09:00:00-05:00",
      },
    });
    expect(JSON.stringify(posting)).not.toContain("Rita");
  });
});

describe("lever", () => {
  it("reads all locations, epoch-ms dates, lists, commitment, workplace and the salary range", async () => {
    const result = await run("lever", { site: "acme", baseUrl: BASE, pageSize: 2 }, {
      "/v0/postings/acme?mode=json&skip=0&limit=2": [
        {
          id: "5ac21346-8e0c-4494-8e7a-3eb92ff77902",
          text: "Account Executive",
          categories: {
            commitment: "Part-time",
            department: "Sales",
            location: "London",
            team: "EMEA",
            allLocations: ["London", "Dublin"],
          },
          country: "GB",
          createdAt: 1767225600000,
          hostedUrl: "https://jobs.lever.co/acme/5ac21346",
          workplaceType: "hybrid",
          description: "<div>Sell things.</div>",
          lists: [{ text: "Requirements", content: "<li>Grit</li><li>Phone skills</li>" }],
          additional: "<div>Call +44 20 7946 0958</div>",
          salaryRange: { currency: "GBP", interval: "per-hour-wage", min: 20, max: 25 },
        },
        {
          id: "b",
          text: "Intern",
          categories: null,
          hostedUrl: "https://jobs.lever.co/acme/b",
          createdAt: "x",
        },
      ],
      "/v0/postings/acme?mode=json&skip=2&limit=2": [],
    });
    expect(result.postings).toHaveLength(2);
    expect(result.postings[0]).toMatchObject({
      location: "London; Dublin",
      locations: [{ name: "London", country: null }, { name: "Dublin", country: null }],
      department: "Sales",
      description: "Sell things.\nRequirements\n- Grit\n- Phone skills\nCall [phone removed]",
      workplaceType: "hybrid",
      employmentType: "part_time",
      salary: { min: 20, max: 25, currency: "GBP", period: "hour" },
      postedAt: "2026-01-01T00:00:00.000Z",
    });
    // Missing optional objects leave their fields empty; an unreadable date is dropped.
    expect(result.postings[1]).toMatchObject({
      locations: [],
      location: null,
      department: null,
      description: null,
      postedAt: null,
    });
  });
});

describe("recruitee", () => {
  it("parses Recruitee's 'YYYY-MM-DD hh:mm:ss UTC' dates and rejects unpublished offers", async () => {
    const offer = {
      id: 1,
      slug: "dev",
      title: "Developer",
      status: "published",
      careers_url: "https://acme.recruitee.com/o/dev",
      location: "Amsterdam, Netherlands",
      city: "Amsterdam",
      country: "Netherlands",
      locations: [
        { city: "Amsterdam", state: "North Holland", country: "Netherlands", country_code: "NL" },
        { city: "Berlin", state: null, country: "Germany", country_code: "DE" },
      ],
      remote: false,
      hybrid: true,
      on_site: false,
      published_at: "2026-02-03 14:05:09 UTC",
      employment_type_code: "fulltime_fixed_term",
      salary: { min: "4000", max: "5000", currency: "eur", period: "month" },
      description: "<p>Code.</p>",
      requirements: "<ul><li>TypeScript</li></ul>",
    };
    const result = await run("recruitee", { baseUrl: BASE }, {
      "/api/offers/": { offers: [offer, { ...offer, id: 2, status: "draft" }] },
    });
    expect(result.postings).toHaveLength(1);
    expect(result.postings[0]).toMatchObject({
      location: "Amsterdam, North Holland, Netherlands; Berlin, Germany",
      workplaceType: "hybrid",
      employmentType: "full_time",
      salary: { min: 4000, max: 5000, currency: "EUR", period: "month" },
      postedAt: "2026-02-03T14:05:09.000Z",
      description: "Code.\nRequirements\n- TypeScript",
    });
    expect(result.rejections.map((r) => [r.code, r.externalId, r.reason])).toEqual([
      ["not_published", "2", "not published"],
    ]);
  });
});

describe("smartrecruiters", () => {
  it("reads each posting's detail (ad sections, public URL), never the creator", async () => {
    const listed = (id: string) => ({
      id,
      name: "x",
      ref: `${BASE}/v1/companies/acme/postings/${id}`,
      creator: { name: "Carla Creator" },
    });
    const detail = (id: string, visibility: string) => ({
      id,
      name: "Backend Engineer (m/w/d)",
      releasedDate: "2026-03-01T10:00:00.000Z",
      location: {
        city: "Munich",
        region: "Bavaria",
        country: "de",
        remote: false,
        hybrid: true,
        fullLocation: "Munich, Bavaria, Germany",
      },
      department: { label: "Engineering" },
      typeOfEmployment: { id: "permanent", label: "Full-time" },
      creator: { name: "Carla Creator" },
      visibility,
      postingUrl: `https://jobs.smartrecruiters.com/acme/${id}`,
      jobAd: {
        sections: {
          companyDescription: { title: "Company", text: "<p>We make things.</p>" },
          jobDescription: { title: "Job", text: "<p>Write Go.</p>" },
          qualifications: { title: "Qualifications", text: "" },
        },
      },
    });
    const result = await run("smartrecruiters", { companyId: "acme", baseUrl: BASE, pageSize: 100 }, {
      "/v1/companies/acme/postings": {
        offset: 0,
        limit: 100,
        totalFound: 2,
        content: [listed("1"), listed("2")],
      },
      "/v1/companies/acme/postings/1": detail("1", "PUBLIC"),
      "/v1/companies/acme/postings/2": detail("2", "INTERNAL"),
    });
    expect(result.postings).toHaveLength(1);
    expect(result.postings[0]).toMatchObject({
      url: "https://jobs.smartrecruiters.com/acme/1",
      locations: [{ name: "Munich, Bavaria, Germany", city: "Munich", region: "Bavaria", country: "DE" }],
      workplaceType: "hybrid",
      employmentType: "full_time",
      description: "Company\nWe make things.\nJob\nWrite Go.",
    });
    expect(result.rejections.map((r) => r.code)).toEqual(["not_published"]);
    expect(JSON.stringify(result.postings)).not.toContain("Carla");
  });
});

describe("personio", () => {
  it("joins office and additional offices, sections from CDATA, maps employment types", async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<workzag-jobs><position><id>42</id><office>Munich</office>
<additionalOffices><office>Berlin</office><office>Vienna</office></additionalOffices>
<department>Finance &amp; Legal</department><name>Werkstudent:in Controlling (m/w/d)</name>
<jobDescriptions><jobDescription><name>Deine Aufgaben</name><value><![CDATA[<ul><li>Reports &amp; Zahlen</li></ul>]]></value></jobDescription></jobDescriptions>
<employmentType>intern</employmentType><schedule>part-time</schedule><createdAt>2026-04-01T09:30:00+02:00</createdAt>
</position></workzag-jobs>`;
    const result = await run("personio", { baseUrl: BASE }, { "/xml": xml });
    expect(result.postings[0]).toMatchObject({
      externalId: "42",
      department: "Finance & Legal",
      location: "Munich; Berlin; Vienna",
      description: "Deine Aufgaben\n- Reports & Zahlen",
      employmentType: "internship",
      postedAt: "2026-04-01T07:30:00.000Z",
    });
  });
});

describe("jsonld-html: discovery on ordinary career pages", () => {
  const listing = `<!doctype html><html><head>
<link rel="next" href="/careers?page=2">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"ItemList","itemListElement":[
 {"@type":"ListItem","position":1,"item":{"@type":"JobPosting","title":"Chef &amp; Cook","identifier":"L1",
  "url":"/jobs/l1","datePosted":"2026-11-01","validThrough":"2027-01-31T00:00:00Z",
  "hiringOrganization":{"@id":"#org"},"jobLocation":[{"@type":"Place","address":{"@type":"PostalAddress",
  "addressLocality":"Lyon","addressCountry":{"@type":"Country","name":"FR"}}},{"@id":"#paris"}],
  "baseSalary":{"@type":"MonetaryAmount","currency":"EUR","value":{"@type":"QuantitativeValue","value":15.5,"unitText":"HOUR"}}}},
 {"@type":"ListItem","position":2,"item":{"@type":"JobPosting","title":"Old","identifier":"L2","url":"/jobs/l2",
  "validThrough":"2026-01-31T00:00:00Z"}}]}</script>
<script type="application/ld+json">[{"@type":"Organization","@id":"#org","name":"Bistro SA"},
 {"@type":"Place","@id":"#paris","address":{"@type":"PostalAddress","addressLocality":"Paris","addressCountry":"FR"}}]</script>
<script type="application/ld+json">{ broken json</script>
</head><body>
<a href="/jobs/l1">Chef</a> <a href="jobs/d1">Relative</a> <a href="https://site.test/jobs/d2">Absolute</a>
<a href="https://elsewhere.test/jobs/x">Other site</a></body></html>`;
  const detail = (id: string) =>
    `<html><head><script type="application/ld+json">{"@context":"https://schema.org",
 "@graph":[{"@type":"Organization","@id":"https://site.test/#org","name":"Bistro SA"},
 {"@type":["JobPosting"],"title":"Waiter ${id}","identifier":{"@type":"PropertyValue","value":"${id}"},
  "description":"&lt;p&gt;Serve guests.&lt;/p&gt;","employmentType":["PART_TIME","TEMPORARY"],
  "jobLocationType":"TELECOMMUTE","hiringOrganization":{"@id":"https://site.test/#org"}}]}</script></head></html>`;

  it("reads JobPostings on the listing (ItemList, arrays, @id refs), follows relative and absolute links and rel=next", async () => {
    const result = await run("jsonld-html", { startUrl: "https://site.test/careers" }, {
      "/careers": listing,
      "/careers?page=2": "<html><body><p data-empty-state>No more.</p></body></html>",
      "/jobs/d1": detail("d1"),
      "/jobs/d2": detail("d2"),
    });
    expect(result.failures).toEqual([]);
    expect(result.postings.map((p) => p.externalId)).toEqual(["L1", "d1", "d2"]);
    expect(result.postings[0]).toMatchObject({
      title: "Chef & Cook",
      url: "https://site.test/jobs/l1",
      location: "Lyon, FR; Paris, FR",
      salary: { min: 15.5, max: 15.5, currency: "EUR", period: "hour" },
      postedAt: "2026-11-01T00:00:00.000Z",
      validThrough: "2027-01-31T00:00:00.000Z",
      raw: {
        datePosted: "2026-11-01",
        validThrough: "2027-01-31T00:00:00Z",
        hiringOrganization: "Bistro SA",
      },
    });
    expect(result.postings[1]).toMatchObject({
      title: "Waiter d1",
      url: "https://site.test/jobs/d1",
      description: "Serve guests.",
      workplaceType: "remote",
      employmentType: "part_time",
      locations: [],
      raw: { jobLocationType: "TELECOMMUTE", hiringOrganization: "Bistro SA" },
    });
    expect(result.rejections.map((r) => [r.externalId, r.code])).toEqual([["L2", "expired"]]);
  });
});

describe("workday", () => {
  it("pages the cxs jobs search (total only on page 1), reads details, relative dates against the run's clock", async () => {
    const page = (offset: number, items: string[], total: number) => (json: unknown) => {
      expect(json).toMatchObject({ appliedFacets: {}, offset, searchText: "" });
      return {
        total,
        jobPostings: items.map((id) => ({
          title: "t",
          externalPath: `/job/Berlin/Engineer_${id}`,
          locationsText: "Berlin",
          postedOn: "Posted 3 Days Ago",
          bulletFields: [id],
        })),
      };
    };
    const detail = (id: string, extra: Record<string, unknown>) => ({
      jobPostingInfo: {
        id: `x${id}`,
        title: `Engineer ${id}`,
        jobDescription: "<p>Build.</p>",
        location: "Berlin",
        postedOn: "Posted 3 Days Ago",
        timeType: "Part time",
        jobReqId: id,
        ...extra,
      },
      hiringOrganization: { name: "Acme" },
    });
    let call = 0;
    const cfg = { baseUrl: BASE, tenant: "acme", site: "External", pageSize: 2 };
    const result = await run("workday", cfg, {
      "/wday/cxs/acme/External/jobs": (json: unknown) =>
        [page(0, ["R1", "R2"], 3), page(2, ["R3"], 0)][call++](json),
      "/wday/cxs/acme/External/job/Berlin/Engineer_R1": detail("R1", {
        additionalLocations: ["Hamburg", "Remote, Germany"],
        country: { descriptor: "Germany" },
        remoteType: "Hybrid",
        startDate: "2026-11-20",
      }),
      "/wday/cxs/acme/External/job/Berlin/Engineer_R2": detail("R2", {}),
      "/wday/cxs/acme/External/job/Berlin/Engineer_R3": detail("R3", { postedOn: "Posted 30+ Days Ago" }),
    }, Date.parse("2026-11-26T15:00:00Z"));
    expect(result.failures).toEqual([]);
    expect(result.postings.map((p) => [p.externalId, p.location, p.postedAt, p.employmentType])).toEqual([
      ["R1", "Berlin; Hamburg; Remote, Germany", "2026-11-20T00:00:00.000Z", "part_time"],
      ["R2", "Berlin", "2026-11-23T00:00:00.000Z", "part_time"],
      ["R3", "Berlin", null, "part_time"],
    ]);
    expect(result.postings[0]).toMatchObject({
      workplaceType: "hybrid",
      url: `${BASE}/External/job/Berlin/Engineer_R1`,
      locations: [{ name: "Berlin", country: "Germany" }, { name: "Hamburg" }, { name: "Remote, Germany" }],
    });
  });
});

describe("ashby", () => {
  it("reads primary and secondary locations, the Salary component, and rejects unlisted jobs", async () => {
    const job = {
      id: "7458d4e9-da2e-47bd-98cb-adfda43d42b2",
      title: "Product Manager",
      department: "Product",
      team: "Growth",
      employmentType: "FullTime",
      location: "Houston, TX",
      secondaryLocations: [{
        location: "San Francisco",
        address: { addressLocality: "San Francisco", addressRegion: "California", addressCountry: "USA" },
      }],
      address: {
        postalAddress: { addressLocality: "Houston", addressRegion: "Texas", addressCountry: "USA" },
      },
      isRemote: true,
      workplaceType: null,
      isListed: true,
      publishedAt: "2021-04-30T16:21:55.393+00:00",
      jobUrl: "https://jobs.ashbyhq.com/example/7458d4e9",
      descriptionHtml: "<p>Join our team</p>",
      compensation: {
        compensationTiers: [{
          components: [
            {
              compensationType: "EquityPercentage",
              interval: "NONE",
              currencyCode: null,
              minValue: 0.5,
              maxValue: 1.75,
            },
            {
              compensationType: "Salary",
              interval: "1 YEAR",
              currencyCode: "USD",
              minValue: 81000,
              maxValue: 87000,
            },
          ],
        }],
      },
    };
    const result = await run("ashby", { board: "example", baseUrl: BASE }, {
      "/posting-api/job-board/example?includeCompensation=true": {
        apiVersion: "1",
        jobs: [job, { ...job, id: "hidden", isListed: false }, {
          ...job,
          id: "bare",
          address: null,
          secondaryLocations: null,
          compensation: null,
        }],
      },
    });
    expect(result.postings[0]).toMatchObject({
      location: "Houston, TX; San Francisco",
      locations: [
        { name: "Houston, TX", city: "Houston", region: "Texas", country: "USA" },
        { name: "San Francisco", city: "San Francisco", region: "California", country: "USA" },
      ],
      workplaceType: "remote",
      employmentType: "full_time",
      salary: { min: 81000, max: 87000, currency: "USD", period: "year" },
      postedAt: "2021-04-30T16:21:55.393Z",
    });
    expect(result.postings[1]).toMatchObject({ externalId: "bare", location: "Houston, TX", salary: null });
    expect(result.rejections.map((r) => [r.externalId, r.code])).toEqual([["hidden", "not_published"]]);
  });
});

describe("workable", () => {
  it("keeps visible locations only and reads date-only published_on", async () => {
    const result = await run("workable", { account: "acme", baseUrl: BASE }, {
      "/api/v1/widget/accounts/acme?details=true": {
        name: "Acme",
        jobs: [{
          title: "Support Agent",
          shortcode: "A1B2C3D4E5",
          employment_type: "Contract",
          telecommuting: false,
          department: "Support",
          url: "https://apply.workable.com/acme/j/A1B2C3D4E5/",
          published_on: "2026-05-04",
          created_at: "2026-05-01",
          country: "Greece",
          city: "Athens",
          state: "Attica",
          locations: [
            { country: "Greece", countryCode: "GR", city: "Athens", region: "Attica", hidden: false },
            { country: "Greece", countryCode: "GR", city: "Thessaloniki", region: null, hidden: true },
          ],
          description: "<p>Help customers.</p>",
        }],
      },
    });
    expect(result.postings[0]).toMatchObject({
      externalId: "A1B2C3D4E5",
      location: "Athens, Attica, Greece",
      employmentType: "contract",
      workplaceType: null,
      postedAt: "2026-05-04T00:00:00.000Z",
      description: "Help customers.",
    });
  });
});

describe("bad input rules", () => {
  const base: ExtractedPosting = { externalId: "1", title: "Engineer", url: "https://x.test/1", raw: {} };

  it("truncates a multi-megabyte description to the documented cap at a word boundary", async () => {
    const huge = `<p>${"word ".repeat(1_500_000)}</p>`; // 7.5 MB
    const started = performance.now();
    const result = await normalizePosting({ ...base, descriptionHtml: huge }, NOW);
    if (!result.ok) throw new Error("expected a posting");
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(result.posting.descriptionTruncated).toBe(true);
    expect(result.posting.description!.length).toBeLessThanOrEqual(DESCRIPTION_CAP);
    expect(result.posting.description).toMatch(/word…$/);
  });

  it("rejects binary garbage in the title and strips it from other text", async () => {
    const binary = await normalizePosting({ ...base, title: "\u0000\u0001PK\u0003\u0004\uFFFD" }, NOW);
    expect(binary).toMatchObject({
      ok: false,
      rejection: { code: "binary_data", reason: "title: contains binary data" },
    });
    const text = await normalizePosting({
      ...base,
      department: "Sa\u0000les",
      descriptionHtml: "ok\u0007 text",
    }, NOW);
    expect(text).toMatchObject({ ok: true, posting: { department: "Sales", description: "ok text" } });
  });

  it("keeps no salary for an unknown currency or period, min above max, or negative amounts", () => {
    expect(salaryOf({ min: 1, max: 2, currency: "XYZ", period: "year" })).toBeNull();
    expect(salaryOf({ min: 1, max: 2, currency: "EUR", period: "fortnight" })).toBeNull();
    expect(salaryOf({ min: 90, max: 50, currency: "EUR", period: "year" })).toBeNull();
    expect(salaryOf({ min: -1, max: 50, currency: "EUR", period: "year" })).toBeNull();
    expect(salaryOf({ min: null, max: 50, currency: "chf", period: "MONTH" })).toEqual({
      min: null,
      max: 50,
      currency: "CHF",
      period: "month",
    });
  });

  it("rejects an expiry before the run's fetch time, keeps an unreadable one empty", async () => {
    const expired = await normalizePosting({ ...base, validThrough: "2026-11-26T11:59:59Z" }, NOW);
    expect(expired).toMatchObject({ ok: false, rejection: { code: "expired" } });
    const later = await normalizePosting({ ...base, validThrough: "2026-11-26T12:00:01Z" }, NOW);
    expect(later).toMatchObject({ ok: true, posting: { validThrough: "2026-11-26T12:00:01.000Z" } });
    const unreadable = await normalizePosting({ ...base, validThrough: "soon" }, NOW);
    expect(unreadable).toMatchObject({ ok: true, posting: { validThrough: null } });
  });

  it("keeps a posting with an empty location list, without location", async () => {
    const result = await normalizePosting({ ...base, locations: [{}, { name: "  " }] }, NOW);
    expect(result).toMatchObject({ ok: true, posting: { locations: [], location: null } });
  });

  it("counts unpublished and expired records as rejections, not as a data quality failure", async () => {
    const records = Array.from({ length: 8 }, (_, i) => ({
      id: `j${i}`,
      title: `Job ${i}`,
      jobUrl: `https://jobs.test/${i}`,
      isListed: i >= 6,
    }));
    const result = await run("ashby", { board: "b", baseUrl: BASE }, {
      "/posting-api/job-board/b?includeCompensation=true": { apiVersion: "1", jobs: records },
    });
    expect(result.postings).toHaveLength(2);
    expect(result.metrics.itemsRejected).toBe(6);
    expect(result.failures).toEqual([]);
    expect(result.complete).toBe(true);
  });

  it("decodes entities once in every text field and reads dates in the sources' formats", async () => {
    const result = await normalizePosting({
      ...base,
      title: "R&amp;amp;D &lt;Lead&gt;",
      locations: [{ city: "K&ouml;ln", country: "DE" }],
    }, NOW);
    expect(result).toMatchObject({ ok: true, posting: { title: "R&amp;D <Lead>", location: "Köln, DE" } });
    expect(toIsoDate(1767225600000)).toBe("2026-01-01T00:00:00.000Z");
    expect(toIsoDate("1767225600000")).toBe("2026-01-01T00:00:00.000Z");
    expect(toIsoDate("2026-02-03 14:05:09 UTC")).toBe("2026-02-03T14:05:09.000Z");
    expect(toIsoDate("2026-04-01T09:30:00+02:00")).toBe("2026-04-01T07:30:00.000Z");
    expect(toIsoDate("2026-05-04")).toBe("2026-05-04T00:00:00.000Z");
    expect(toIsoDate("0000-00-00")).toBeNull();
    expect(htmlToText("<script>x()</script><p>a</p><br><p></p><p>b</p>")).toEqual({
      text: "a\nb",
      truncated: false,
    });
  });
});
