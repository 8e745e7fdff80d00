import { ReplayError, type Tags, type TagValue } from "@replaykit/runtime";

/**
 * The runs page's tag filter: `customer=c-1 plan=pro`, pairs separated by spaces or commas.
 * A value that reads as a number or as true/false is one (tags keep their type: "1" and 1
 * differ); quote it for the text: `plan="1"`.
 */
export function parseTagFilter(text: string): Tags {
  const tags: Record<string, TagValue> = {};
  for (const pair of text.split(/[\s,]+/).filter((part) => part !== "")) {
    const at = pair.indexOf("=");
    if (at <= 0)
      throw new ReplayError(
        "INVALID_REQUEST",
        `invalid tag filter ${JSON.stringify(pair)}: write key=value, e.g. customer=c-1`,
      );
    tags[pair.slice(0, at)] = tagValue(pair.slice(at + 1));
  }
  return tags;
}

function tagValue(text: string): TagValue {
  if (/^".*"$/.test(text)) return text.slice(1, -1);
  if (text === "true" || text === "false") return text === "true";
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/** A tag as the filter writes it back: strings that would read as another type are quoted. */
export function tagText(key: string, value: TagValue): string {
  const shown = typeof value === "string" && tagValue(value) !== value ? `"${value}"` : String(value);
  return `${key}=${shown}`;
}
