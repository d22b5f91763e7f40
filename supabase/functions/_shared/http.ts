// HTTP helpers shared by every function: CORS, JSON responses, error shapes.
export const corsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, x-client-info, apikey, content-type, idempotency-key, last-event-id",
  "access-control-allow-methods": "GET, POST, PATCH, DELETE, OPTIONS",
};

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** `{ error: { code, message, ...details } }`: one error shape across all functions. */
export function errorResponse(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
  return json({ error: { code, message, ...details } }, status);
}

/** Answers CORS preflight requests; null for every other method. */
export function preflight(request: Request): Response | null {
  return request.method === "OPTIONS" ? new Response("ok", { headers: corsHeaders }) : null;
}
