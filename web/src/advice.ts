// What to do about a problem, from its reasons and the error category of the
// day's best run. The reasons and categories are the SQL's vocabulary
// (ops.daily_summary_v.problem_reasons, ops.error_categories).

const BY_CATEGORY: Record<string, string> = {
  block_403: "The portal blocks us (403): raise its rate limit, or pause it and check the site by hand.",
  block_429: "Too many requests (429): raise the portal's rate limit and re-run it.",
  captcha: "A captcha appeared: pause the portal; it needs a browser-based scraper or a slower schedule.",
  login_redirect: "The site now redirects to a login: check the career site URL.",
  parsing: "The markup or data changed: update the adapter's selectors or mapping, then re-run.",
  network_timeout: "The site is slow: check it by hand; raise the request timeout if it answers eventually.",
  timeout: "The run ran out of time: check the site's speed and the source's timeout.",
  network_connection: "The site could not be reached: check DNS and the URL; re-run later.",
  http_5xx: "The site answered with server errors: re-run later; if it persists, contact the company.",
  http_4xx: "The site refused requests: check the URLs in the adapter config.",
  data_quality: "The data looks wrong: compare the items with the site.",
  validation: "Items failed validation: check the adapter's field mapping.",
  circuit_open: "The breaker is open after repeated errors: fix the cause, then reset the breaker in the Control center.",
  lost_worker: "The worker stopped sending heartbeats: re-run the scrape.",
};

const BY_REASON: Record<string, string> = {
  no_data: "No run finished for this day: check whether the pipeline ran and start a scrape.",
  run_failed: "The run failed: open its log and errors, fix the cause, re-run the scrape.",
  run_cancelled: "The run was cancelled: start the scrape again.",
  run_skipped: "The run was skipped (paused portal or a failed parent): check the lineage and the portal state.",
  run_partial: "The run finished partially: open its errors; re-run when the cause is gone.",
  zero_items: "Zero items: the site may be empty or the selectors broke; look at the site and the log.",
  volume_drop: "Far fewer items than the baseline: check whether the site really shrank or the adapter misses pages.",
  high_block_rate: "Many requests were blocked: raise the rate limit or pause the portal.",
  high_timeout_rate: "Many requests timed out: check the site's speed; raise the timeout or lower concurrency.",
};

export function suggestedAction(reasons: string[] | null | undefined, errorCategory?: string | null): string {
  if (errorCategory && BY_CATEGORY[errorCategory]) return BY_CATEGORY[errorCategory];
  for (const reason of reasons ?? []) if (BY_REASON[reason]) return BY_REASON[reason];
  return "Open the company's runs and errors.";
}
