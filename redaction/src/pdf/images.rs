//! Image pixel redaction: the pixels of an image XObject under a redaction rectangle are
//! overwritten (black) and the image is re-encoded with Flate. Images in encodings the engine cannot
//! decode (JPX, CCITT, JBIG2, DCT) fail closed: the pixels could still show the redacted content.

use std::collections::BTreeMap;

use lopdf::{Document, Object, ObjectId};

use super::error::PdfError;
use super::geom::{Matrix, Rect};
use super::load;

/// Redacts `(image, image matrix, page-space rect, page)` jobs. Returns how many images changed.
pub(crate) fn redact_images(
    doc: &mut Document,
    original: &[u8],
    jobs: &[(ObjectId, Matrix, Rect, u32)],
) -> Result<usize, PdfError> {
    let mut by_image: BTreeMap<ObjectId, Vec<(Matrix, Rect, u32)>> = BTreeMap::new();
    for (id, m, r, p) in jobs {
        by_image.entry(*id).or_default().push((*m, *r, *p));
    }
    let mut hayro_doc: Option<Option<hayro_syntax::Pdf>> = None;
    let mut changed = 0;
    for (id, rects) in by_image {
        let page = rects.first().map(|r| r.2);
        let Ok(Object::Stream(stream)) = doc.get_object(id) else {
            continue;
        };
        let dict = &stream.dict;
        let int = |k: &[u8]| dict.get(k).ok().and_then(|o| o.as_i64().ok());
        let (Some(w), Some(h)) = (int(b"Width"), int(b"Height")) else {
            return Err(PdfError::review(
                page,
                "an image under a redaction has no size",
            ));
        };
        let (w, h) = (w.clamp(0, 1 << 16) as usize, h.clamp(0, 1 << 16) as usize);
        let stencil = dict
            .get(b"ImageMask")
            .and_then(|o| o.as_bool())
            .unwrap_or(false);
        let filters: Vec<Vec<u8>> = match dict.get(b"Filter") {
            Ok(Object::Name(n)) => vec![n.clone()],
            Ok(Object::Array(a)) => a
                .iter()
                .filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec))
                .collect(),
            _ => Vec::new(),
        };
        let simple = filters.iter().all(|f| {
            matches!(
                f.as_slice(),
                b"FlateDecode"
                    | b"Fl"
                    | b"LZWDecode"
                    | b"LZW"
                    | b"ASCIIHexDecode"
                    | b"AHx"
                    | b"ASCII85Decode"
                    | b"A85"
            )
        });
        let mut components = if stencil {
            1
        } else {
            components(doc, dict.get(b"ColorSpace").ok()).unwrap_or(1)
        };
        let mut bpc = if stencil {
            1
        } else {
            int(b"BitsPerComponent").unwrap_or(8) as usize
        };
        let mut new_colour_space: Option<&'static [u8]> = None;
        let mut data = if simple {
            load::decompress(stream).map_err(|r| PdfError::review(page, r))?
        } else {
            // JPX, CCITT, JBIG2, DCT: decode with hayro from the original file (same object ids).
            let pdf =
                hayro_doc.get_or_insert_with(|| hayro_syntax::Pdf::new(original.to_vec()).ok());
            let decoded = pdf.as_ref().and_then(|pdf| {
                let s = pdf.xref().get::<hayro_syntax::object::Stream<'_>>(
                    hayro_syntax::object::ObjectIdentifier::new(id.0, i32::from(id.1)),
                )?;
                let params = hayro_syntax::object::stream::ImageDecodeParams {
                    is_indexed: components == 1 && is_indexed(doc, dict.get(b"ColorSpace").ok()),
                    bpc: Some(bpc as u8),
                    num_components: Some(components as u8),
                    target_dimension: None,
                    width: w as u32,
                    height: h as u32,
                };
                let r = s.decoded_image(&params).ok()?;
                let info = r.image_data.as_ref().map(|i| {
                    let n = match i.color_space {
                        Some(hayro_syntax::object::stream::ImageColorSpace::Rgb) => 3,
                        Some(hayro_syntax::object::stream::ImageColorSpace::Cmyk) => 4,
                        Some(hayro_syntax::object::stream::ImageColorSpace::Unknown(n)) => {
                            usize::from(n)
                        }
                        _ => 1,
                    };
                    (
                        n,
                        usize::from(i.bits_per_component),
                        i.width as usize,
                        i.height as usize,
                    )
                });
                Some((r.data.into_owned(), info))
            });
            let Some((bytes, info)) = decoded else {
                return Err(PdfError::review(
                    page,
                    "an image under a redaction cannot be decoded, so its pixels cannot be redacted",
                ));
            };
            if let Some((n, b, iw, ih)) = info {
                if iw != w || ih != h {
                    return Err(PdfError::review(
                        page,
                        "a redacted image decodes to an unexpected size",
                    ));
                }
                if dict.get(b"ColorSpace").is_err() || n != components {
                    new_colour_space = Some(match n {
                        3 => b"DeviceRGB",
                        4 => b"DeviceCMYK",
                        _ => b"DeviceGray",
                    });
                }
                components = n;
                bpc = b;
            } else {
                // Filters that hand out samples at 8 bits when they can (CCITT, JBIG2 → gray).
                let expect8 = w * h * components;
                if bytes.len() >= expect8 && bpc == 1 {
                    bpc = 8;
                }
            }
            bytes
        };
        if !(bpc == 8 || bpc == 1) {
            return Err(PdfError::review(
                page,
                format!("a redacted image has {bpc} bits per component"),
            ));
        }
        let row_bytes = (w * components * bpc).div_ceil(8);
        if data.len() < row_bytes * h {
            return Err(PdfError::review(
                page,
                "an image under a redaction has an unexpected layout",
            ));
        }
        let decode_inverted = matches!(dict.get(b"Decode"), Ok(Object::Array(a)) if a.first().and_then(|o| o.as_float().ok()) == Some(1.0));
        for (m, rect, _) in &rects {
            let Some(inv) = invert(m) else { continue };
            let u = rect.transformed(&inv);
            // Unit square: x right, y up; image row 0 is the top (y = 1).
            let px0 = (u.x0.max(0.0) * w as f64).floor() as usize;
            let px1 = (u.x1.min(1.0) * w as f64).ceil() as usize;
            let py0 = ((1.0 - u.y1).max(0.0) * h as f64).floor() as usize;
            let py1 = ((1.0 - u.y0).min(1.0) * h as f64).ceil() as usize;
            for y in py0..py1.min(h) {
                let row = &mut data[y * row_bytes..(y + 1) * row_bytes];
                for x in px0..px1.min(w) {
                    paint_dark(row, x, components, bpc, decode_inverted, stencil);
                }
            }
        }
        if let Ok(Object::Stream(stream)) = doc.get_object_mut(id) {
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.dict.remove(b"SMaskInData");
            if !stencil {
                stream
                    .dict
                    .set("BitsPerComponent", Object::Integer(bpc as i64));
            }
            if let Some(cs) = new_colour_space {
                stream.dict.set("ColorSpace", Object::Name(cs.to_vec()));
                stream.dict.remove(b"Decode");
            }
            stream.set_plain_content(data);
            let _ = stream.compress();
            changed += 1;
        }
    }
    Ok(changed)
}

/// Paints one pixel the darkest the image can show (all ink for CMYK, 0 for gray/RGB, honouring
/// an inverting `/Decode`; for stencil masks, a painted (0) sample).
fn paint_dark(
    row: &mut [u8],
    x: usize,
    components: usize,
    bpc: usize,
    inverted: bool,
    stencil: bool,
) {
    if bpc == 8 {
        for c in 0..components {
            let dark = if components == 4 && c == 3 { 255 } else { 0 };
            row[x * components + c] = if inverted { 255 - dark } else { dark };
        }
    } else {
        // 1 bit per sample, gray (components is 1 for every 1-bit layout we accept).
        let bit = 7 - (x % 8);
        let set_one = inverted ^ stencil;
        if set_one {
            row[x / 8] |= 1 << bit;
        } else {
            row[x / 8] &= !(1 << bit);
        }
    }
}

fn is_indexed(doc: &Document, cs: Option<&Object>) -> bool {
    let Some(cs) = cs.and_then(|c| doc.dereference(c).ok()).map(|(_, o)| o) else {
        return false;
    };
    matches!(cs, Object::Array(a) if matches!(a.first().and_then(|n| n.as_name().ok()), Some(b"Indexed" | b"I")))
}

fn components(doc: &Document, cs: Option<&Object>) -> Option<usize> {
    let cs = doc.dereference(cs?).ok()?.1;
    match cs {
        Object::Name(n) => Some(match n.as_slice() {
            b"DeviceRGB" | b"RGB" | b"CalRGB" => 3,
            b"DeviceCMYK" | b"CMYK" => 4,
            _ => 1,
        }),
        Object::Array(a) => match a.first()?.as_name().ok()? {
            b"ICCBased" => {
                let s = doc.dereference(a.get(1)?).ok()?.1.as_stream().ok()?;
                s.dict
                    .get(b"N")
                    .ok()?
                    .as_i64()
                    .ok()
                    .map(|n| n.clamp(1, 4) as usize)
            }
            b"Indexed" | b"I" => Some(1),
            b"CalRGB" | b"Lab" => Some(3),
            _ => Some(1),
        },
        _ => None,
    }
}

fn invert(m: &Matrix) -> Option<Matrix> {
    let det = m[0] * m[3] - m[1] * m[2];
    if det.abs() < 1e-12 {
        return None;
    }
    let (a, b, c, d) = (m[3] / det, -m[1] / det, -m[2] / det, m[0] / det);
    Some([a, b, c, d, -(m[4] * a + m[5] * c), -(m[4] * b + m[5] * d)])
}
