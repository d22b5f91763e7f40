import { describe, expect, it } from "vitest";
import { cpuBudgetFromNow, invocationBudget, spentBudget } from "../../supabase/functions/_shared/budget.ts";

describe("spentBudget", () => {
  it("is null while both the wall clock and the CPU have time left", () => {
    expect(spentBudget({ wallUsedMs: 99_999, wallBudgetMs: 100_000, cpuUsedMs: 1_499, cpuBudgetMs: 1_500 })).toBeNull();
  });

  it("says cpu once the CPU budget is reached, with wall clock to spare", () => {
    expect(spentBudget({ wallUsedMs: 3_000, wallBudgetMs: 100_000, cpuUsedMs: 1_500, cpuBudgetMs: 1_500 })).toBe("cpu");
    expect(spentBudget({ wallUsedMs: 3_000, wallBudgetMs: 100_000, cpuUsedMs: 2_100, cpuBudgetMs: 1_500 })).toBe("cpu");
  });

  it("says wall once the wall clock is reached, whatever the CPU", () => {
    expect(spentBudget({ wallUsedMs: 100_000, wallBudgetMs: 100_000, cpuUsedMs: 10, cpuBudgetMs: 1_500 })).toBe("wall");
    expect(spentBudget({ wallUsedMs: 100_000, wallBudgetMs: 100_000, cpuUsedMs: 1_600, cpuBudgetMs: 1_500 })).toBe("wall");
  });

  it("has no CPU budget without a CPU figure", () => {
    expect(spentBudget({ wallUsedMs: 0, wallBudgetMs: 100_000 })).toBeNull();
    expect(spentBudget({ wallUsedMs: 0, wallBudgetMs: 100_000, cpuUsedMs: 5_000 })).toBeNull();
  });
});

describe("cpuBudgetFromNow", () => {
  it("counts the process's CPU from its creation, never backwards", () => {
    const budget = cpuBudgetFromNow(1_500);
    const first = budget.usedMs();
    let x = 0;
    for (let i = 0; i < 2_000_000; i++) x += i % 7; // burns some CPU so that the figure can grow
    expect(x).toBeGreaterThan(0);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(budget.usedMs()).toBeGreaterThanOrEqual(first);
    expect(budget.limitMs).toBe(1_500);
  });
});

describe("invocationBudget", () => {
  it("ends its wall clock at the deadline, earlier by the reserve asked for", () => {
    let now = 1_000_000;
    const budget = invocationBudget(10_000, 60_000_000, { now: () => now });
    expect(budget.deadline).toBe(1_010_000);
    now += 7_999;
    expect(budget.spent()).toBeNull();
    expect(budget.spent(2_000)).toBeNull();
    now += 1;
    expect(budget.spent(2_000)).toBe("wall");
    expect(budget.spent()).toBeNull();
    now += 2_000;
    expect(budget.spent()).toBe("wall");
  });

  it("says cpu when its CPU limit is used up before the wall clock", () => {
    const budget = invocationBudget(10_000, 0.000001, { now: () => 0 });
    let x = 0;
    for (let i = 0; i < 2_000_000; i++) x += i % 7; // some CPU, more than a nanosecond's worth
    expect(x).toBeGreaterThan(0);
    expect(budget.spent()).toBe("cpu");
  });
});
