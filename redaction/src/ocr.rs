//! Optical character recognition of scans, through the `tesseract` command-line tool.
//!
//! Care files hold many scans: a foster carer's handwritten log, a letter from a birth parent,
//! a school report photocopied. Without OCR their words cannot be searched, so a scan on a
//! sibling's file that names the subject is never found. With it, gathering and detection read
//! the scan like any other document. The image itself is still not redacted here: a scan read
//! by OCR stays "needs review" for a person (and, later, for image redaction by word boxes,
//! which is why [`OcrPage`] keeps every word's box).
//!
//! OCR is optional at run time. [`Ocr::from_env`] finds `tesseract` on `PATH` (Debian's
//! `tesseract-ocr`), or at `SAR_TESSERACT`; `SAR_OCR=off` turns it off. Without it, scans are
//! flagged for a person exactly as before: the pipeline fails closed.
//!
//! Scanned PDFs are rasterised in-process with `hayro` (pure Rust; it decodes the CCITT, JBIG2
//! and JPEG images scanners write) and each page is handed to `tesseract` as a PNG on stdin.
//! Every call is one short process with `OMP_THREAD_LIMIT=1`: the caller's rayon pool already
//! keeps the cores busy, and tesseract's own threads would only fight it.
//!
//! `SAR_OCR_CACHE=DIR` keeps what tesseract printed for each image in `DIR`, keyed by the
//! image's SHA-256 and everything else that decides the output (the tool's full version banner,
//! which names its libraries and the CPU features it uses, the language and its data file, the
//! arguments). A test suite reads the same scans many times over; with a cache shared by its
//! processes each scan is read by tesseract once. A cached read gives exactly the text and word
//! boxes the tool gave, since it is the tool's own output parsed again.

use std::io::{Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// How long one page may take before the OCR of it is abandoned.
const PAGE_TIMEOUT: Duration = Duration::from_secs(120);
/// Resolution scanned PDF pages are rendered at: tesseract reads best at about 300 dpi.
const RENDER_DPI: f32 = 300.0;
/// The longest side of a rendered page in pixels, whatever its page box claims.
const MAX_RENDER_SIDE: f32 = 6000.0;
/// Most pages of one document that will be read (a hostile file cannot keep a worker forever).
const MAX_PAGES: usize = 2_000;

/// Why OCR of a scan failed. The scan is then flagged for a person, as without OCR.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OcrError {
    /// The tool could not be started or is not tesseract.
    #[error(
        "OCR tool {program} cannot be used: {reason}; install Debian's tesseract-ocr or set SAR_TESSERACT"
    )]
    Unavailable { program: String, reason: String },
    /// The tool ran and failed on this image.
    #[error("OCR failed: {0}")]
    Failed(String),
    /// A scanned PDF page could not be rendered to an image.
    #[error("the scanned PDF could not be rendered for OCR: {0}")]
    Render(String),
}

/// One word as OCR read it: where it is in the page's text and on the image.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrWord {
    /// Byte range of the word in [`OcrPage::text`].
    pub text_range: Range<usize>,
    /// The word's box on the image, in pixels from the top left.
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
    /// Tesseract's confidence in the word, 0-100.
    pub confidence: f32,
}

/// One page's text as OCR read it.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrPage {
    /// 1-based page of the document.
    pub page: u32,
    /// Words joined by spaces, lines by newlines, paragraphs by a blank line.
    pub text: String,
    pub words: Vec<OcrWord>,
    /// Size of the image the boxes refer to, in pixels.
    pub image_width: u32,
    pub image_height: u32,
}

impl OcrPage {
    /// The mean confidence of the page's words (0-100), or `None` if no word was read.
    pub fn mean_confidence(&self) -> Option<f32> {
        if self.words.is_empty() {
            return None;
        }
        Some(self.words.iter().map(|w| w.confidence).sum::<f32>() / self.words.len() as f32)
    }
}

/// A working OCR tool: `tesseract` at a known path, with its version and language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ocr {
    program: PathBuf,
    version: String,
    language: String,
    /// Everything about the tool that can change its output besides the image: the key of
    /// [`Ocr::with_cache`]'s entries starts from it.
    identity: Vec<u8>,
    /// Where the tool's output is kept by image, if anywhere.
    cache: Option<PathBuf>,
}

impl Ocr {
    /// The OCR tool this process should use, if any: `SAR_OCR=off` (or `0`, `no`) turns OCR
    /// off; `SAR_TESSERACT` names the program (default `tesseract`, found on `PATH`);
    /// `SAR_OCR_LANG` the language (default `eng`); `SAR_OCR_CACHE` a directory to keep what
    /// the tool read (see [`Ocr::with_cache`]). `None` when it is off or cannot run.
    pub fn from_env() -> Option<Ocr> {
        if let Ok(setting) = std::env::var("SAR_OCR")
            && matches!(
                setting.trim().to_ascii_lowercase().as_str(),
                "off" | "0" | "no" | "false"
            )
        {
            return None;
        }
        let program = std::env::var_os("SAR_TESSERACT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("tesseract"));
        let language = std::env::var("SAR_OCR_LANG").unwrap_or_else(|_| "eng".into());
        let ocr = Ocr::new(&program, &language).ok()?;
        Some(match std::env::var_os("SAR_OCR_CACHE") {
            Some(dir) if !dir.is_empty() => ocr.with_cache(dir),
            _ => ocr,
        })
    }

    /// Checks that `program` runs and is tesseract, and that `language` is installed.
    pub fn new(program: &Path, language: &str) -> Result<Ocr, OcrError> {
        let unavailable = |reason: String| OcrError::Unavailable {
            program: program.display().to_string(),
            reason,
        };
        let output = Command::new(program)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| unavailable(e.to_string()))?;
        // tesseract 4 printed its version on stderr, 5 on stdout.
        let banner = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let version = banner
            .lines()
            .find_map(|line| line.trim().strip_prefix("tesseract "))
            .map(|v| v.trim().to_string())
            .ok_or_else(|| unavailable("it does not say it is tesseract".into()))?;
        let languages = Command::new(program)
            .arg("--list-langs")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| unavailable(e.to_string()))?;
        let listed = String::from_utf8_lossy(&languages.stdout).into_owned();
        if !listed.lines().skip(1).any(|l| l.trim() == language) {
            return Err(unavailable(format!(
                "its language data for {language:?} is not installed (tesseract-ocr-{language})"
            )));
        }
        let identity = identity(program, &banner, &listed, language);
        Ok(Ocr {
            program: program.to_path_buf(),
            version,
            language: language.to_string(),
            identity,
            cache: None,
        })
    }

    /// The same tool, keeping what it reads in `dir` (created when first needed) and reading
    /// an image it has read before from there instead of running again. Entries are written
    /// aside and renamed into place, so processes sharing `dir` never see half an entry; one
    /// that cannot be written only means the tool runs again next time.
    pub fn with_cache(self, dir: impl Into<PathBuf>) -> Ocr {
        Ocr {
            cache: Some(dir.into()),
            ..self
        }
    }

    /// "tesseract 5.3.0 (eng)", for logs and notes.
    pub fn describe(&self) -> String {
        format!("tesseract {} ({})", self.version, self.language)
    }

    /// Reads an image file (PNG, JPEG, TIFF with every page, GIF, BMP).
    pub fn read_image(&self, image: &[u8]) -> Result<Vec<OcrPage>, OcrError> {
        let tsv = self.run(image)?;
        let mut pages = parse_tsv(&tsv);
        pages.truncate(MAX_PAGES);
        Ok(pages)
    }

    /// Renders the given 1-based pages of a PDF and reads each one. Pages are rendered in
    /// order (the renderer is single-threaded) a few at a time, and each few are read in
    /// parallel on the rayon pool, so a long scanned file keeps every core busy.
    pub fn read_pdf_pages(&self, pdf: &[u8], pages: &[u32]) -> Result<Vec<OcrPage>, OcrError> {
        use rayon::prelude::*;
        /// Rendered pages held at once (PNGs of a few hundred kB each).
        const RENDER_AHEAD: usize = 8;
        let document = hayro::hayro_syntax::Pdf::new(pdf.to_vec())
            .map_err(|e| OcrError::Render(format!("{e:?}")))?;
        let all = document.pages();
        let cache = hayro::RenderCache::new();
        let settings = hayro::hayro_interpret::InterpreterSettings::default();
        let wanted: Vec<u32> = pages.iter().copied().take(MAX_PAGES).collect();
        let mut read = Vec::with_capacity(wanted.len());
        for chunk in wanted.chunks(RENDER_AHEAD) {
            let mut images = Vec::with_capacity(chunk.len());
            for &number in chunk {
                let page = number
                    .checked_sub(1)
                    .and_then(|i| all.get(i as usize))
                    .ok_or_else(|| OcrError::Render(format!("the PDF has no page {number}")))?;
                let (width, height) = page.render_dimensions();
                let longest = width.max(height).max(1.0);
                let scale = (RENDER_DPI / 72.0).min(MAX_RENDER_SIDE / longest);
                let pixmap = hayro::render(
                    page,
                    &cache,
                    &settings,
                    &hayro::RenderSettings::default(),
                    &hayro::PixmapSettings {
                        x_scale: scale,
                        y_scale: scale,
                        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
                    },
                );
                let png = pixmap
                    .into_png()
                    .map_err(|e| OcrError::Render(e.to_string()))?;
                images.push((number, png));
            }
            let chunk_read: Result<Vec<OcrPage>, OcrError> = images
                .par_iter()
                .map(|(number, png)| {
                    let tsv = self.run(png)?;
                    let mut page = parse_tsv(&tsv).into_iter().next().unwrap_or(OcrPage {
                        page: 1,
                        text: String::new(),
                        words: vec![],
                        image_width: 0,
                        image_height: 0,
                    });
                    page.page = *number;
                    Ok(page)
                })
                .collect();
            read.extend(chunk_read?);
        }
        Ok(read)
    }

    /// Tesseract's TSV output for `image`: from the cache if it holds it, else by running the
    /// tool (and then kept in the cache).
    fn run(&self, image: &[u8]) -> Result<String, OcrError> {
        let Some(dir) = &self.cache else {
            return self.run_tool(image);
        };
        let entry = dir.join(format!("{}.tsv", self.cache_key(image)));
        if let Some(tsv) = read_entry(&entry) {
            return Ok(tsv);
        }
        let tsv = self.run_tool(image)?;
        let _ = write_entry(&entry, &tsv);
        Ok(tsv)
    }

    /// The name of `image`'s cache entry: the SHA-256 of the tool's identity, its arguments
    /// and the image. The image's bytes fix its size and resolution, so a page rendered at
    /// another resolution is another entry.
    fn cache_key(&self, image: &[u8]) -> String {
        let mut key = Sha256::new();
        let args = self.args().join(" ");
        for part in [
            b"sar-ocr-cache/1".as_slice(),
            &self.identity,
            args.as_bytes(),
            &Sha256::digest(image),
        ] {
            key.update((part.len() as u64).to_le_bytes());
            key.update(part);
        }
        hex::encode(key.finalize())
    }

    /// Tesseract's arguments: the image on stdin, TSV on stdout.
    fn args(&self) -> [&str; 5] {
        ["stdin", "stdout", "-l", &self.language, "tsv"]
    }

    /// Runs tesseract on `image` (on stdin) and returns its TSV output.
    fn run_tool(&self, image: &[u8]) -> Result<String, OcrError> {
        let mut child = Command::new(&self.program)
            .args(self.args())
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| OcrError::Unavailable {
                program: self.program.display().to_string(),
                reason: e.to_string(),
            })?;
        // Feed stdin and drain both pipes on their own threads, so neither side blocks.
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let image = image.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&image));
        let out_reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            stdout.read_to_end(&mut out).map(|_| out)
        });
        let err_reader = std::thread::spawn(move || {
            let mut err = Vec::new();
            let _ = stderr.read_to_end(&mut err);
            err
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > PAGE_TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(OcrError::Failed(format!(
                        "tesseract took longer than {} s on one page",
                        PAGE_TIMEOUT.as_secs()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(OcrError::Failed(e.to_string())),
            }
        };
        // A write error only means tesseract stopped reading early; its status says why.
        let _ = writer.join();
        let out = out_reader
            .join()
            .map_err(|_| OcrError::Failed("reading tesseract's output failed".into()))?
            .map_err(|e| OcrError::Failed(e.to_string()))?;
        let err = err_reader.join().unwrap_or_default();
        if !status.success() {
            let message = String::from_utf8_lossy(&err);
            let message = message
                .lines()
                .rfind(|l| !l.trim().is_empty())
                .unwrap_or("no message");
            return Err(OcrError::Failed(format!(
                "tesseract exited with {status}: {message}"
            )));
        }
        String::from_utf8(out)
            .map_err(|_| OcrError::Failed("tesseract wrote non-UTF-8 text".into()))
    }
}

/// What identifies an OCR tool's behaviour: its path, its `--version` banner (the versions of
/// tesseract and its libraries and the CPU features it found), its language listing (which
/// names the data directory) and the language's data file's size and modification time.
fn identity(program: &Path, banner: &str, listed: &str, language: &str) -> Vec<u8> {
    let data_dir = listed
        .lines()
        .next()
        .and_then(|l| l.split('"').nth(1))
        .map(PathBuf::from);
    let data_file = data_dir
        .and_then(|d| std::fs::metadata(d.join(format!("{language}.traineddata"))).ok())
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} bytes, modified {modified}", m.len())
        })
        .unwrap_or_default();
    [
        program.as_os_str().as_encoded_bytes(),
        banner.as_bytes(),
        listed.as_bytes(),
        language.as_bytes(),
        data_file.as_bytes(),
    ]
    .join(&0u8)
}

/// A cache entry's text, if it is there and whole. An entry is its text's SHA-256 in hex, a
/// newline, and the text, so one damaged on disk is run again rather than believed.
fn read_entry(path: &Path) -> Option<String> {
    let entry = std::fs::read_to_string(path).ok()?;
    let (sum, text) = entry.split_once('\n')?;
    (hex::encode(Sha256::digest(text.as_bytes())) == sum).then(|| text.to_string())
}

/// Writes an entry (see [`read_entry`]) to a unique file beside `path` and renames it onto
/// `path`, so a reader sees the whole entry or none of it, however many processes write the
/// same entry at once.
fn write_entry(path: &Path, text: &str) -> std::io::Result<()> {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let aside = dir.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    let entry = format!("{}\n{text}", hex::encode(Sha256::digest(text.as_bytes())));
    let written = std::fs::write(&aside, entry).and_then(|()| std::fs::rename(&aside, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&aside);
    }
    written
}

/// Turns tesseract's TSV (`level page_num block_num par_num line_num word_num left top width
/// height conf text`) into pages of text with word boxes. Blocks and paragraphs are separated
/// by a blank line, lines by a newline, words by a space.
pub fn parse_tsv(tsv: &str) -> Vec<OcrPage> {
    let mut pages: Vec<OcrPage> = Vec::new();
    let mut last_line: Option<(u32, u32, u32)> = None;
    let mut last_paragraph: Option<(u32, u32)> = None;
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        if cols.len() < 11 {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<u32>().ok();
        let (Some(level), Some(page)) = (num(0), num(1)) else {
            continue;
        };
        if level == 1 {
            pages.push(OcrPage {
                page,
                text: String::new(),
                words: vec![],
                image_width: num(8).unwrap_or(0),
                image_height: num(9).unwrap_or(0),
            });
            last_line = None;
            last_paragraph = None;
            continue;
        }
        if level != 5 {
            continue;
        }
        let word = cols.get(11).map(|w| w.trim()).unwrap_or("");
        if word.is_empty() {
            continue;
        }
        let (block, paragraph, line) = (
            num(2).unwrap_or(0),
            num(3).unwrap_or(0),
            num(4).unwrap_or(0),
        );
        if pages.last().is_none_or(|p| p.page != page) {
            pages.push(OcrPage {
                page,
                text: String::new(),
                words: vec![],
                image_width: 0,
                image_height: 0,
            });
        }
        let current = pages.last_mut().expect("a page was just pushed");
        if !current.text.is_empty() {
            if last_paragraph != Some((block, paragraph)) {
                current.text.push_str("\n\n");
            } else if last_line != Some((block, paragraph, line)) {
                current.text.push('\n');
            } else {
                current.text.push(' ');
            }
        }
        last_paragraph = Some((block, paragraph));
        last_line = Some((block, paragraph, line));
        let start = current.text.len();
        current.text.push_str(word);
        current.words.push(OcrWord {
            text_range: start..current.text.len(),
            left: num(6).unwrap_or(0),
            top: num(7).unwrap_or(0),
            width: num(8).unwrap_or(0),
            height: num(9).unwrap_or(0),
            confidence: cols[10].trim().parse::<f32>().unwrap_or(0.0).max(0.0),
        });
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t1240\t1754\t-1\t
2\t1\t1\t0\t0\t0\t100\t100\t500\t40\t-1\t
3\t1\t1\t1\t0\t0\t100\t100\t500\t40\t-1\t
4\t1\t1\t1\t1\t0\t100\t100\t500\t40\t-1\t
5\t1\t1\t1\t1\t1\t100\t100\t40\t40\t96.5\tTo
5\t1\t1\t1\t1\t2\t150\t100\t40\t40\t95\tmy
5\t1\t1\t1\t1\t3\t200\t100\t120\t40\t91\tZuzanna,
4\t1\t1\t1\t2\t0\t100\t150\t500\t40\t-1\t
5\t1\t1\t1\t2\t1\t100\t150\t60\t40\t90\tLove
2\t1\t2\t0\t0\t0\t100\t300\t500\t40\t-1\t
3\t1\t2\t1\t0\t0\t100\t300\t500\t40\t-1\t
4\t1\t2\t1\t1\t0\t100\t300\t500\t40\t-1\t
5\t1\t2\t1\t1\t1\t100\t300\t60\t40\t88\tMum
5\t1\t2\t1\t1\t2\t170\t300\t60\t40\t-1\t  
";

    #[test]
    fn tsv_becomes_lines_and_paragraphs_with_word_boxes() {
        let pages = parse_tsv(TSV);
        assert_eq!(pages.len(), 1);
        let page = &pages[0];
        assert_eq!(page.text, "To my Zuzanna,\nLove\n\nMum");
        assert_eq!((page.image_width, page.image_height), (1240, 1754));
        assert_eq!(page.words.len(), 5);
        let name = &page.words[2];
        assert_eq!(&page.text[name.text_range.clone()], "Zuzanna,");
        assert_eq!(
            (name.left, name.top, name.width, name.height),
            (200, 100, 120, 40)
        );
        let mean = page.mean_confidence().unwrap();
        assert!((mean - 92.1).abs() < 0.01, "{mean}");
    }

    /// A stand-in for tesseract in `dir`: it says it is tesseract `version` and answers an image
    /// with one word naming the image's size in bytes, counting its runs in `dir/calls`.
    #[cfg(unix)]
    fn fake_tool(dir: &Path, name: &str, version: &str) -> Ocr {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        const SCRIPT: &str = r#"#!/bin/sh
case "$1" in
  --version) echo "tesseract VERSION" ;;
  --list-langs) printf 'List of available languages in "/nonexistent/" (1):\neng\n' ;;
  stdin) n=$(wc -c); echo run >> "CALLS"
    printf 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n'
    printf '1\t1\t0\t0\t0\t0\t0\t0\t640\t480\t-1\t\n'
    printf '5\t1\t1\t1\t1\t1\t12\t34\t56\t78\t91.5\tbytes%s\n' $n ;;
esac
"#;
        let script = SCRIPT
            .replace("VERSION", version)
            .replace("CALLS", &dir.join("calls").display().to_string());
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        Ocr::new(&path, "eng").unwrap()
    }

    #[cfg(unix)]
    fn runs(dir: &Path) -> usize {
        std::fs::read_to_string(dir.join("calls")).map_or(0, |c| c.lines().count())
    }

    #[cfg(unix)]
    #[test]
    fn a_cached_read_is_exactly_what_the_tool_read_and_the_tool_runs_once_per_image() {
        let tools = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let plain = fake_tool(tools.path(), "tool", "5.3.0-fake");
        let expected = plain.read_image(b"image one").unwrap();
        assert_eq!(expected[0].text, "bytes9");
        assert_eq!(expected[0].words[0].left, 12);
        assert_eq!(runs(tools.path()), 1);

        let cached = plain.clone().with_cache(cache.path().join("ocr"));
        assert_eq!(cached.read_image(b"image one").unwrap(), expected);
        assert_eq!(runs(tools.path()), 2, "an empty cache runs the tool");
        assert_eq!(cached.read_image(b"image one").unwrap(), expected);
        assert_eq!(runs(tools.path()), 2, "a cached image is not read again");

        // Another image, or the same image through another tool, is another entry.
        assert_eq!(cached.read_image(b"image two!").unwrap()[0].text, "bytes10");
        assert_eq!(runs(tools.path()), 3);
        let other =
            fake_tool(tools.path(), "other", "5.4.0-fake").with_cache(cache.path().join("ocr"));
        assert_eq!(other.read_image(b"image one").unwrap(), expected);
        assert_eq!(
            runs(tools.path()),
            4,
            "another tool version does not share entries"
        );

        // An entry damaged on disk is not believed: the tool runs again and mends it.
        let entries: Vec<PathBuf> = std::fs::read_dir(cache.path().join("ocr"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(entries.len(), 3, "{entries:?}");
        assert!(
            entries
                .iter()
                .all(|e| e.extension().is_some_and(|x| x == "tsv"))
        );
        for entry in &entries {
            let text = std::fs::read_to_string(entry).unwrap();
            std::fs::write(entry, text.replace("bytes", "BYTES")).unwrap();
        }
        assert_eq!(cached.read_image(b"image one").unwrap(), expected);
        assert_eq!(runs(tools.path()), 5);
        assert_eq!(cached.read_image(b"image one").unwrap(), expected);
        assert_eq!(runs(tools.path()), 5);
    }

    #[test]
    fn malformed_tsv_gives_nothing_rather_than_panicking() {
        assert!(parse_tsv("").is_empty());
        assert!(parse_tsv("header\nnot\ta\trow\n5\tx\t1").is_empty());
        let odd = "h\n5\t2\t1\t1\t1\t1\t0\t0\t1\t1\t50\tword\n";
        let pages = parse_tsv(odd);
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].page, 2);
        assert_eq!(pages[0].text, "word");
    }
}
