//! The outline pass: front matter and headings only, for markdown that is not a checklist.
//!
//! Other markdown files matter to the analysis only as link targets (their headings'
//! anchors and titles). Reading them with the whole checklist pass was a third of the
//! parse time of a monorepo's markdown, spent on tasks, code-span references and links
//! that no rule looks at. The outline is built from the same pulldown-cmark events as
//! [`super::parse`], so its headings and front matter are equal to a whole parse's
//! (tested below and in `tests/checklist_outline.rs`).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::anchors::Slugger;
use super::lines::trim_end;
use super::parse::{finish_sections, push_html_anchors, OPTIONS};
use super::{front_matter, Document, Heading};

/// Parses only the front matter and the headings of a markdown document; every other list
/// of the [`Document`] stays empty and [`Document::outline`] is set. Never panics.
pub fn parse_outline(text: &str) -> Document {
    let fm = front_matter::parse(text);
    let base = fm.body_start.min(text.len());
    let mut doc = Document {
        front_matter: fm.front_matter,
        outline: true,
        ..Document::default()
    };
    let mut slugger = Slugger::default();
    // The heading being read: its range, level, explicit id and text so far. Headings
    // do not nest, so one slot is enough.
    let mut open: Option<(std::ops::Range<usize>, u8, Option<String>, String)> = None;
    for (event, r) in Parser::new_ext(&text[base..], OPTIONS).into_offset_iter() {
        match event {
            // Anchors defined by HTML are link targets too, as in `parse`.
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) => {
                let range = (r.start + base).min(text.len())..(r.end + base).min(text.len());
                push_html_anchors(text, range, &mut doc.html_anchors);
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                let range = (r.start + base).min(text.len())..(r.end + base).min(text.len());
                open = Some((range, level as u8, id.map(|s| s.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((range, level, id, title)) = open.take() {
                    // As `parse`'s `push_heading`.
                    let title = title.trim().to_string();
                    let anchor = match id {
                        Some(id) => slugger.explicit(&id),
                        None => slugger.slug(&title),
                    };
                    let range = trim_end(text, range);
                    let start = range.start;
                    doc.headings.push(Heading {
                        level,
                        title: title.into(),
                        anchor: anchor.into(),
                        range,
                        section: start..text.len(),
                        parent: None,
                    });
                }
            }
            // The inline content a heading's title is made of, as `parse` records it.
            Event::Text(s) | Event::Code(s) => {
                if let Some((_, _, _, title)) = &mut open {
                    title.push_str(&s);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, _, _, title)) = &mut open {
                    title.push(' ');
                }
            }
            _ => {}
        }
    }
    finish_sections(&mut doc.headings, text.len());
    doc.headings.shrink_to_fit();
    doc.html_anchors.shrink_to_fit();
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_outline(text: &str) {
        let whole = super::super::parse(text);
        let outline = parse_outline(text);
        assert_eq!(outline.headings, whole.headings, "{text:?}");
        assert_eq!(outline.html_anchors, whole.html_anchors, "{text:?}");
        assert_eq!(
            format!("{:?}", outline.front_matter),
            format!("{:?}", whole.front_matter),
            "{text:?}"
        );
        assert!(outline.outline && !whole.outline);
        assert!(outline.tasks.is_empty() && outline.links.is_empty());
    }

    #[test]
    fn headings_and_front_matter_equal_a_whole_parse() {
        same_outline("");
        same_outline("---\nreadiness: false\npacks: [web]\n---\n# Title\n\ntext\n");
        same_outline("# A *b* `c` [d](x.md)\n\n## A b c d\n\n## A b c d\n");
        same_outline("Setext\n======\n\nTwo\nlines\n---\n");
        same_outline("# Custom {#my-id}\n\n# custom\n\n```\n# not a heading\n```\n");
        same_outline("> # quoted\n\n- # in a list\n\n<!-- # comment -->\n\n    # code\n");
        same_outline("# Crème brûlée 🚀 & co.\r\n\r\n## 日本語の見出し\r\n");
        same_outline("#\n\n# \n\n#5 not a heading\n\n###### six\n####### seven\n");
        same_outline("# Line  \nbreak\n\nA\\\nB\n===\n");
        same_outline(
            "<a name=\"x\"></a>\n\n# T <a id=\"y\"></a>\n\n<div id=\"z\">\n\n`<a id=\"no\">`\n",
        );
    }
}
