// The console's end-to-end tests: a signed-in page per role (through the
// local sign-in link, as `npm run console` prints it) and screenshots of what
// the pages show, at laptop and phone width, for review (never committed).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { type Browser, LAPTOP, PHONE } from "../../scripts/lib/chromium.ts";
import { LOCAL_DIR } from "../../scripts/lib/config.ts";
import { signInLink } from "../../scripts/lib/console.ts";
import { stack } from "./stack.ts";

export { type Browser, launchBrowser } from "../../scripts/lib/chromium.ts";
export const SCREENSHOTS = join(LOCAL_DIR, "screenshots");

export async function signedInPage(browser: Browser, role: "viewer" | "operator"): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(await signInLink(stack, role));
  await page.getByTestId("who").waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize(LAPTOP);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-laptop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(LAPTOP);
}
