import { ashby } from "./ashby.ts";
import { cssSelector } from "./css-selector.ts";
import { greenhouse } from "./greenhouse.ts";
import { jsonLdHtml } from "./jsonld-html.ts";
import { lever } from "./lever.ts";
import { personio } from "./personio.ts";
import { recruitee } from "./recruitee.ts";
import { smartrecruiters } from "./smartrecruiters.ts";
import type { Adapter, AdapterName } from "./types.ts";
import { workable } from "./workable.ts";
import { workday } from "./workday.ts";

export const ADAPTERS: Readonly<Record<AdapterName, Adapter>> = {
  greenhouse,
  lever,
  personio,
  recruitee,
  smartrecruiters,
  "jsonld-html": jsonLdHtml,
  "css-selector": cssSelector,
  workday,
  ashby,
  workable,
};

export function isAdapterName(name: string): name is AdapterName {
  return Object.hasOwn(ADAPTERS, name);
}

export * from "./types.ts";
