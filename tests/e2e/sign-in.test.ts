// Hosted sign-in, run locally: the console signs in through supabase-js's real Auth calls against the
// local stand-in of Supabase Auth (scripts/functions-server/auth.ts) in real Chromium: e-mail +
// password as an operator, a wrong password, a magic link for a viewer fetched from the stand-in's
// mailbox, and sign-out ending the session at Auth.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser, screenshot } from "../support/browser.ts";
import { localUser, mailbox, stack } from "../support/stack.ts";

const CONSOLE = `http://127.0.0.1:${stack.consolePort}/`;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

/** The session supabase-js keeps in localStorage (key sb-<host>-auth-token), or null. */
async function storedSession(page: Page): Promise<{ access_token: string } | null> {
  return await page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("sb-") && k.endsWith("-auth-token"));
    return key ? JSON.parse(localStorage.getItem(key)!) : null;
  });
}

async function signInPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(CONSOLE);
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  return page;
}

/** The jobs page: an operator has the "New job" action, a viewer none. */
async function newJobButtons(page: Page): Promise<number> {
  await page.goto(`${CONSOLE}#/jobs`);
  await page.getByRole("heading", { name: "History" }).waitFor();
  return await page.getByRole("button", { name: "New job" }).count();
}

/** Signs out from the header and checks that Auth ended the session, not just the page. */
async function signOut(page: Page): Promise<void> {
  const { access_token } = (await storedSession(page))!;
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  expect(await storedSession(page)).toBeNull();
  await page.reload();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  expect(await page.getByTestId("who").count()).toBe(0);
  const user = await fetch(`${stack.supabaseUrl}/auth/v1/user`, {
    headers: { apikey: stack.publishableKey, authorization: `Bearer ${access_token}` },
  });
  expect(user.status).toBe(403);
  expect((await user.json()).error_code).toBe("session_not_found");
}

describe("sign-in through Supabase Auth (local stand-in)", () => {
  it("signs an operator in with e-mail and password: action controls visible; signs out", async () => {
    const operator = localUser("operator");
    const page = await signInPage();
    await screenshot(page, "sign-in-form");
    await page.getByLabel("E-mail").fill(operator.email);
    await page.getByLabel("Password").fill(operator.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("who").waitFor();
    expect(await page.getByTestId("who").innerText()).toBe(`${operator.email} · operator`);
    expect(await newJobButtons(page)).toBe(1);
    // the session survives a reload (supabase-js keeps it), and the functions accept its token
    await page.reload();
    await page.getByRole("heading", { name: "History" }).waitFor();
    expect(await page.getByRole("button", { name: "New job" }).count()).toBe(1);
    await signOut(page);
    await page.close();
  });

  it("shows Auth's error for a wrong password and signs nothing in", async () => {
    const operator = localUser("operator");
    const page = await signInPage();
    await page.getByLabel("E-mail").fill(operator.email);
    await page.getByLabel("Password").fill(`${operator.password}-wrong`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("status").getByText("Invalid login credentials").waitFor();
    expect(await storedSession(page)).toBeNull();
    expect(await page.getByTestId("who").count()).toBe(0);
    await screenshot(page, "sign-in-wrong-password");
    await page.close();
  });

  it("signs a viewer in with a magic link from the mailbox: no action controls; signs out", async () => {
    const viewer = localUser("viewer");
    const before = (await mailbox(viewer.email)).length;
    const page = await signInPage();
    await page.getByLabel("E-mail").fill(viewer.email);
    await page.getByRole("button", { name: "E-mail me a link" }).click();
    await page.getByRole("status").getByText(`A sign-in link is on its way to ${viewer.email}.`).waitFor();
    const messages = await mailbox(viewer.email);
    expect(messages.length).toBe(before + 1);
    const link = new URL(messages.at(-1)!.link);
    expect(link.searchParams.get("redirect_to")).toBe(CONSOLE);

    await page.goto(link.href); // Auth redirects to the console with the session in the fragment
    await page.getByTestId("who").waitFor();
    expect(await page.getByTestId("who").innerText()).toBe(`${viewer.email} · viewer`);
    expect(page.url()).not.toContain("access_token"); // supabase-js took the tokens out of the address
    expect(await newJobButtons(page)).toBe(0);
    await screenshot(page, "signed-in-by-magic-link");
    await signOut(page);

    // the link signs in once; the second time the page says why not
    await page.goto(link.href);
    await page.getByRole("status").getByText("Email link is invalid or has expired").waitFor();
    expect(await storedSession(page)).toBeNull();
    expect(page.url()).not.toContain("error");
    await page.close();
  });

  it("tells an unknown e-mail that it gets no link", async () => {
    const page = await signInPage();
    await page.getByLabel("E-mail").fill("stranger@console.local");
    await page.getByRole("button", { name: "E-mail me a link" }).click();
    await page.getByRole("status").getByText("Signups not allowed for otp").waitFor();
    expect(await mailbox("stranger@console.local")).toEqual([]);
    await page.close();
  });
});
