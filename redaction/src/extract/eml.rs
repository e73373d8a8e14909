//! Emails (RFC 5322 / MIME `.eml`): headers, body and attachments, recursively.
//!
//! - The From/To/Cc/Bcc/Reply-To/Subject/Date lines become a [`PartKind::Headers`] part: display
//!   names and addresses of third parties are personal data too.
//! - The body prefers `text/plain`; an HTML-only email is converted with [`super::html`].
//! - Each attachment goes back through the dispatcher (so a PDF, DOCX, TXT or a forwarded
//!   `message/rfc822` is read as what it is) and its parts become
//!   [`PartKind::Attachment`]`(path)`, nested paths joined with `/`. An attachment that cannot
//!   be read (an image, an unreadable PDF) is listed in [`Extracted::unread_attachments`] with a
//!   note; the email as a whole needs review only when nothing else in it could be read.

use mail_parser::{Address, Message, MessageParser, MimeHeaders, PartType};

use super::{
    ExtractError, Extracted, Limits, Options, PartKind, TextPart, extract_nested, html, txt,
};

/// Reads an email file.
pub fn extract(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    let options = Options {
        limits: *limits,
        ocr: None,
    };
    extract_at_depth(file_name, bytes, &options, 0)
}

/// [`extract`] for an email found `depth` attachments deep.
pub(super) fn extract_at_depth(
    file_name: &str,
    bytes: &[u8],
    options: &Options,
    depth: usize,
) -> Result<Extracted, ExtractError> {
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| ExtractError::corrupt(file_name, "not a parsable email message"))?;
    if message.from().is_none()
        && message.to().is_none()
        && message.subject().is_none()
        && message.date().is_none()
    {
        return Err(ExtractError::corrupt(
            file_name,
            "no From, To, Subject or Date header: not an email message",
        ));
    }
    let mut extracted = Extracted::default();
    read_message(&message, None, options, depth, &mut extracted);

    let has_content = extracted
        .parts
        .iter()
        .any(|part| part.kind != PartKind::Headers && !part.text.trim().is_empty());
    if !has_content && !extracted.unread_attachments.is_empty() {
        return Err(ExtractError::needs_review(
            file_name,
            format!(
                "the email has no readable text besides its headers; its attachment(s) {} could \
                 not be read and need OCR or a person",
                extracted.unread_attachments.join(", ")
            ),
        ));
    }
    Ok(extracted)
}

/// Appends one message's parts. `path` is `None` for the top-level email; for a forwarded
/// message it is the attachment path, and all of its parts are attachments under that path.
fn read_message(
    message: &Message<'_>,
    path: Option<&str>,
    options: &Options,
    depth: usize,
    out: &mut Extracted,
) {
    let (headers_kind, body_kind) = match path {
        None => (PartKind::Headers, PartKind::Body),
        Some(path) => (
            PartKind::Attachment(path.to_owned()),
            PartKind::Attachment(path.to_owned()),
        ),
    };
    let headers = header_lines(message);
    if !headers.is_empty() {
        out.parts.push(TextPart {
            kind: headers_kind,
            page: None,
            text: headers,
        });
    }
    let body = body_text(message);
    if !body.trim().is_empty() {
        out.parts.push(TextPart {
            kind: body_kind,
            page: None,
            text: body,
        });
    }
    read_attachments(message, path, options, depth, out);
}

fn header_lines(message: &Message<'_>) -> String {
    let mut lines = Vec::new();
    let addresses = [
        ("From", message.from()),
        ("To", message.to()),
        ("Cc", message.cc()),
        ("Bcc", message.bcc()),
        ("Reply-To", message.reply_to()),
    ];
    for (label, address) in addresses {
        if let Some(address) = address {
            let list = format_addresses(address);
            if !list.is_empty() {
                lines.push(format!("{label}: {list}"));
            }
        }
    }
    if let Some(subject) = message.subject() {
        lines.push(format!("Subject: {}", collapse_whitespace(subject)));
    }
    if let Some(date) = message.header_raw("Date") {
        lines.push(format!("Date: {}", collapse_whitespace(date)));
    }
    lines.join("\n")
}

/// `Name <address>, Name <address>`; groups are flattened (`Group: a, b`).
fn format_addresses(address: &Address<'_>) -> String {
    let one = |addr: &mail_parser::Addr<'_>| match (addr.name(), addr.address()) {
        (Some(name), Some(email)) => format!("{} <{email}>", collapse_whitespace(name)),
        (Some(name), None) => collapse_whitespace(name),
        (None, Some(email)) => email.to_owned(),
        (None, None) => String::new(),
    };
    match address {
        Address::List(list) => join_nonempty(list.iter().map(one)),
        Address::Group(groups) => join_nonempty(groups.iter().map(|group| {
            let members = join_nonempty(group.addresses.iter().map(one));
            match &group.name {
                Some(name) => format!("{}: {members}", collapse_whitespace(name)),
                None => members,
            }
        })),
    }
}

fn join_nonempty(items: impl Iterator<Item = String>) -> String {
    items
        .filter(|item| !item.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The plain-text bodies, or the HTML bodies as text when there is no plain one.
fn body_text(message: &Message<'_>) -> String {
    let parts = |ids: &[u32]| -> Vec<&mail_parser::MessagePart<'_>> {
        ids.iter()
            .filter_map(|&id| message.parts.get(id as usize))
            .collect()
    };
    let plain: Vec<String> = parts(&message.text_body)
        .into_iter()
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(txt::normalise_line_ends(text)),
            _ => None,
        })
        .collect();
    let texts = if plain.iter().any(|text| !text.trim().is_empty()) {
        plain
    } else {
        parts(&message.html_body)
            .into_iter()
            .filter_map(|part| match &part.body {
                PartType::Html(markup) => Some(html::to_text(markup)),
                _ => None,
            })
            .collect()
    };
    texts.join("\n\n")
}

fn read_attachments(
    message: &Message<'_>,
    path: Option<&str>,
    options: &Options,
    depth: usize,
    out: &mut Extracted,
) {
    let is_body = |id: &u32| message.text_body.contains(id) || message.html_body.contains(id);
    let mut index = 0usize;
    for id in message.attachments.iter().filter(|id| !is_body(id)) {
        let Some(part) = message.parts.get(*id as usize) else {
            continue;
        };
        index += 1;
        let name = part
            .attachment_name()
            .map(|name| name.replace('/', "_"))
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| format!("attachment-{index}"));
        let full_path = match path {
            Some(parent) => format!("{parent}/{name}"),
            None => name.clone(),
        };
        match &part.body {
            PartType::Message(inner) => {
                if depth + 1 > options.limits.max_nesting {
                    unread(out, &full_path, "attachments are nested too deeply");
                } else {
                    read_message(inner, Some(&full_path), options, depth + 1, out);
                }
            }
            PartType::Text(text) => {
                push_attachment_text(out, &full_path, txt::normalise_line_ends(text))
            }
            PartType::Html(markup) => push_attachment_text(out, &full_path, html::to_text(markup)),
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                match extract_nested(&name, bytes, options, depth + 1) {
                    Ok(inner) => merge_attachment(out, &full_path, inner),
                    Err(err) => unread(out, &full_path, &err.reason()),
                }
            }
            PartType::Multipart(_) => {}
        }
    }
}

fn push_attachment_text(out: &mut Extracted, path: &str, text: String) {
    if !text.trim().is_empty() {
        out.parts.push(TextPart {
            kind: PartKind::Attachment(path.to_owned()),
            page: None,
            text,
        });
    }
}

/// Re-labels an attachment's own parts under its path and keeps its notes.
fn merge_attachment(out: &mut Extracted, path: &str, inner: Extracted) {
    for part in inner.parts {
        let kind = match part.kind {
            PartKind::Body | PartKind::Headers => PartKind::Attachment(path.to_owned()),
            PartKind::Attachment(child) => PartKind::Attachment(format!("{path}/{child}")),
        };
        out.parts.push(TextPart { kind, ..part });
    }
    out.notes.extend(
        inner
            .notes
            .into_iter()
            .map(|note| format!("attachment {path}: {note}")),
    );
    out.unread_attachments.extend(
        inner
            .unread_attachments
            .into_iter()
            .map(|child| format!("{path}/{child}")),
    );
    if let Some(reason) = inner.needs_review {
        let reason = format!("attachment {path}: {reason}");
        out.needs_review = Some(match out.needs_review.take() {
            Some(earlier) => format!("{earlier}; {reason}"),
            None => reason,
        });
    }
}

fn unread(out: &mut Extracted, path: &str, reason: &str) {
    out.notes.push(format!(
        "attachment {path} could not be read ({reason}); a person must check it"
    ));
    out.unread_attachments.push(path.to_owned());
}
