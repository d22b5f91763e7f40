/**
 * Text of postings as stored: entities decoded once, no markup, no control characters, no
 * contact addresses. Pure functions; `normalizePosting` applies them to every text field.
 */
import { decodeHTML } from "entities";
import { parseHtml } from "./http.ts";

/** Characters of the description kept at most (ops.postings.description has the same check). */
export const DESCRIPTION_CAP = 20_000;
/**
 * HTML read at most per description: a multi-megabyte description is cut before parsing, so one
 * bad record costs bounded CPU (an edge function has about 2 s per request).
 */
export const DESCRIPTION_HTML_LIMIT = 1_000_000;

// C0 controls except tab, line feed and carriage return; DEL and C1 controls; the replacement
// character (what a decoder leaves of invalid bytes); lone surrogates. Matching control
// characters is the point of this expression.
const BINARY =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}/gi;
// International phone numbers ("+49 30 1234 5678"): a plus sign, then at least 8 digits.
const PHONE = /\+\d(?:[\s()./-]*\d){7,}/g;

/** True when the value holds control characters or decoder debris: binary data, not text. */
export function hasBinary(value: string): boolean {
  BINARY.lastIndex = 0;
  return BINARY.test(value);
}

/** Removes e-mail addresses and phone numbers: postings are stored without personal contact data. */
export function redactContacts(value: string): string {
  return value.replace(EMAIL, "[e-mail removed]").replace(PHONE, "[phone removed]");
}

/**
 * A one-line text field (title, department, location parts): HTML entities decoded once
 * ("R&amp;D" -> "R&D", "&amp;amp;" -> "&amp;"), binary characters removed, whitespace collapsed,
 * contacts removed. Empty results are undefined.
 */
export function cleanLine(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = redactContacts(decodeHTML(value).replace(BINARY, "").replace(/\s+/g, " ").trim());
  return text === "" ? undefined : text;
}

const BLOCKS = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "dd",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "tr",
  "ul",
]);
const SKIPPED = new Set(["script", "style", "noscript", "template", "head"]);

/** The parsed DOM as htmlparser2 (under cheerio) builds it: text nodes hold decoded text. */
interface DomNode {
  type: string;
  name?: string;
  data?: string;
  children?: DomNode[];
}

/** Text of a DOM tree with a line break around every block; a walk, no selector engine (cheap per posting). */
function collectText(node: DomNode, out: string[]): void {
  for (const child of node.children ?? []) {
    if (child.type === "text") out.push(child.data ?? "");
    else if (child.type === "tag" && child.name !== undefined && !SKIPPED.has(child.name)) {
      if (child.name === "br") {
        out.push("\n");
        continue;
      }
      const block = BLOCKS.has(child.name);
      if (block) out.push("\n");
      if (child.name === "li") out.push("- ");
      collectText(child, out);
      if (block) out.push("\n");
    }
  }
}

export interface PlainText {
  text: string;
  truncated: boolean;
}

/**
 * Plain text of an HTML description (or of entity-escaped HTML, see below): entities decoded
 * (by the parser, once), scripts and styles
 * dropped, every block element and list item on its own line (no empty lines), list items
 * starting with "- ", contacts removed, cut to DESCRIPTION_CAP characters at a word
 * boundary ("…" marks the cut). Undefined when nothing is left.
 */
export function htmlToText(html: unknown): PlainText | undefined {
  if (typeof html !== "string" || html.trim() === "") return undefined;
  let source = html.length > DESCRIPTION_HTML_LIMIT ? html.slice(0, DESCRIPTION_HTML_LIMIT) : html;
  // Entity-escaped HTML without a single real tag (Greenhouse's `content`, many JSON-LD
  // descriptions): the escaping is one layer of the wire format, decoded once before parsing.
  if (!/<[a-z!/]/i.test(source) && /&lt;\/?[a-z]/i.test(source)) source = decodeHTML(source);
  const parts: string[] = [];
  collectText(parseHtml(source).root()[0] as unknown as DomNode, parts);
  const lines = parts.join("").replace(BINARY, "").split(/\r?\n/).map((line) =>
    line.replace(/[^\S\n]+/g, " ").trim()
  );
  const text = redactContacts(lines.filter((line) => line !== "").join("\n"));
  if (text === "") return undefined;
  if (text.length <= DESCRIPTION_CAP) return { text, truncated: false };
  const cut = text.slice(0, DESCRIPTION_CAP - 1);
  const boundary = cut.search(/\s\S*$/);
  return { text: `${boundary > DESCRIPTION_CAP / 2 ? cut.slice(0, boundary) : cut}…`, truncated: true };
}
