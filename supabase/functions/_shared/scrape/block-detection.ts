import type { CheerioAPI } from "cheerio";

/** What marks a response as "the site wants a human", tuned per deployment if needed. */
export interface BlockDetectionOptions {
  /** Elements that only challenge pages carry. Default: reCAPTCHA, hCaptcha, Turnstile, Cloudflare challenge. */
  captchaSelectors: string[];
  /** Lower-case phrases that give a challenge page away in its `<title>`. */
  captchaTitleMarkers: string[];
  /** Lower-case path segments of login pages; a redirect there means we are not let in. */
  loginPathMarkers: string[];
}

export const DEFAULT_BLOCK_DETECTION: BlockDetectionOptions = {
  captchaSelectors: [
    ".g-recaptcha",
    ".h-captcha",
    ".cf-turnstile",
    "#challenge-form",
    "#cf-challenge-running",
    'iframe[src*="captcha"]',
    'script[src*="captcha"]',
    'form[action*="captcha"]',
  ],
  captchaTitleMarkers: ["captcha", "attention required", "are you a robot", "verify you are human"],
  loginPathMarkers: ["login", "signin", "sign-in", "sign_in", "auth", "sso"],
};

/** True when the page is a challenge (captcha) page rather than content. */
export function isCaptchaPage($: CheerioAPI, options: BlockDetectionOptions): boolean {
  if (options.captchaSelectors.length > 0 && $(options.captchaSelectors.join(", ")).length > 0) return true;
  const title = $("title").first().text().toLowerCase();
  return options.captchaTitleMarkers.some((marker) => title.includes(marker));
}

/** True when the URL points at a login page (judged by its path segments, not its host). */
export function isLoginUrl(url: string, options: BlockDetectionOptions): boolean {
  const segments = new URL(url).pathname.toLowerCase().split("/").filter(Boolean);
  return segments.some((segment) => options.loginPathMarkers.includes(segment));
}
