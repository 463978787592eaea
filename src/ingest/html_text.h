// HTML fragment -> plain text, for the Text of UHRI records (ingest/uhri_json.h,
// ingest/uhri_xlsx.h): what a reader of the rendered fragment sees, as paragraphs.
//
//  - Tags are removed. Block elements (p, div, br, li, ul, ol, h1-h6, tr, table, blockquote,
//    pre, hr, dl/dt/dd, section, ...) end a paragraph: paragraphs are joined by "\n\n". Table
//    cells (td, th) are separated by a space. Inline elements (span, b, a, ...) vanish, so
//    "a<b>b</b>" is "ab".
//  - Inside a paragraph every run of whitespace (ASCII whitespace and U+00A0, literal or from
//    &nbsp;) is one space; no paragraph starts or ends with a space, and there are no empty
//    paragraphs, so the result has no leading or trailing whitespace.
//  - Character references are decoded after the tags are removed, so "&lt;p&gt;" is the text
//    "<p>", not a tag: numeric ones (&#8217; &#x2019;; &#128;-&#159; as Windows-1252, as HTML
//    reads them) and HTML 4's named ones (&amp; &eacute; &rsquo; &nbsp; ...) plus &apos;. The
//    ";" is required; one that stands for nothing (&bogus; &#0;) stays as written. This is a
//    superset of core/text.h DecodeHtmlEntities, which knows only the names UPR Info uses.
//  - Comments, <!DOCTYPE ...>, <?...?> and the content of <script> and <style> are dropped.
//  - A "<" that does not start a tag ("a < b", "<3") is text; so is a tag left open at the end.
//
// Never fails, never recurses (no depth to bound), linear time. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace openupr::ingest {

// The text of html as described above. *entities_decoded (when not null) gets the number of
// entities decoded.
std::string HtmlToText(std::string_view html, int* entities_decoded = nullptr);

}  // namespace openupr::ingest
