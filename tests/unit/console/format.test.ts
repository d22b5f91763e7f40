import { describe, expect, it } from "vitest";
import { csvCell, parseCsv, toCsv } from "../../../web/src/csv.ts";
import { addDays, berlinToday, blockRateLevel, daysBetween, duration, percent } from "../../../web/src/format.ts";
import { parseHash } from "../../../web/src/router.ts";

describe("block rate levels", () => {
  it("is red above 20%, yellow above 10%, else plain", () => {
    expect(blockRateLevel(0.2001)).toBe("bad");
    expect(blockRateLevel(0.2)).toBe("warn");
    expect(blockRateLevel(0.1001)).toBe("warn");
    expect(blockRateLevel(0.1)).toBe("ok");
    expect(blockRateLevel(null)).toBe("ok");
  });
  it("always has the number to show", () => {
    expect(percent(0.2345)).toBe("23.4%");
    expect(percent(null)).toBe("–");
  });
});

describe("dates and durations", () => {
  it("formats durations by size", () => {
    expect(duration(4.25)).toBe("4.3 s");
    expect(duration(42)).toBe("42 s");
    expect(duration(185)).toBe("3 min 5 s");
    expect(duration(7800)).toBe("2 h 10 min");
  });
  it("counts Berlin days across a DST change", () => {
    expect(berlinToday(new Date("2026-03-28T23:30:00Z"))).toBe("2026-03-29"); // 00:30 CET
    expect(berlinToday(new Date("2026-10-24T21:59:00Z"))).toBe("2026-10-24"); // 23:59 CEST
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(daysBetween("2026-02-27", "2026-03-02")).toBe(3);
  });
});

describe("CSV", () => {
  it("quotes what needs quoting and reads back what it wrote", () => {
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell(["a", "b"])).toBe("a; b");
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    const rows = [{ id: 1, message: 'x, "y"', tags: null }, { id: 2, message: "two\r\nlines", tags: ["t"] }];
    expect(parseCsv(toCsv(rows))).toEqual([["id", "message", "tags"], ["1", 'x, "y"', ""], ["2", "two\r\nlines", "t"]]);
  });
});

describe("hash routes", () => {
  it("splits path, segments and query", () => {
    const route = parseHash("#/company/acme%20inc?days=90");
    expect(route.path).toBe("/company/acme%20inc");
    expect(route.segments).toEqual(["company", "acme inc"]);
    expect(route.params.get("days")).toBe("90");
    expect(parseHash("").segments).toEqual([]);
  });
});
