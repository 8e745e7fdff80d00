import { describe, expect, it } from "vitest";
import { escapeHtml, href, html } from "./html.js";

describe("html", () => {
  it("escapes every interpolated value, in text and in attributes", () => {
    const payload = `<script>alert("x")</script>&'`;
    expect(html`<p title="${payload}">${payload}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
  });

  it("keeps nested templates as they are, joins arrays, and renders nothing for null, undefined and false", () => {
    const items = ["<a>", "b"].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.toString()).toBe(
      "<ul><li>&lt;a&gt;</li><li>b</li></ul>0",
    );
  });

  it("builds query strings that survive any run id", () => {
    expect(href("/run", { ns: "shop", wf: "order", id: "a&b=c d#e", empty: "", none: undefined })).toBe(
      "/run?ns=shop&wf=order&id=a%26b%3Dc+d%23e",
    );
    expect(escapeHtml(href("/", { id: '"><script>' }))).toBe("/?id=%22%3E%3Cscript%3E");
  });
});
