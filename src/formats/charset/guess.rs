//! Which charset some text is in, when the file does not say or says
//! wrongly (a dBase file declaring Windows-1252 that holds DOS bytes).
//!
//! UTF-8 when the bytes are valid UTF-8 with characters beyond ASCII; a CJK
//! encoding when chardetng says so; otherwise the single-byte page that
//! reads the most bytes as letters, among chardetng's Windows / ISO guess and
//! the DOS pages legacy tables were written in. Letters score, and so do
//! the Windows pages' typographic quotes, dashes and ellipsis (which a DOS
//! page reads as letters); box-drawing characters, capitals inside words
//! and undefined bytes count against. A DOS page must beat chardetng's
//! guess clearly (by a tenth of the bytes beyond ASCII) to be chosen; other
//! ties go to the earlier candidate (850, 437, 852, 866, Mazovia).

use super::Charset;

/// The best reading of `bytes` (a sample of the text, not the whole file's
/// bytes with binary fields in it).
pub fn guess(bytes: &[u8]) -> Charset {
    if bytes.is_ascii() || simdutf8::basic::from_utf8(bytes).is_ok() {
        return Charset::UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let chardetng_guess = Charset::Standard(detector.guess(None, chardetng::Utf8Detection::Deny));
    if !chardetng_guess.is_single_byte() {
        return chardetng_guess;
    }
    best_single_byte(bytes, chardetng_guess)
}

/// The candidate single-byte page (`first`, then the DOS pages) with the
/// best score on `bytes`.
pub fn best_single_byte(bytes: &[u8], first: Charset) -> Charset {
    let margin = 1 + bytes.iter().filter(|b| !b.is_ascii()).count() as i64 / 10;
    let first_score = score(first, bytes);
    let dos = best_of(
        bytes,
        Charset::Dos(&super::dos::PAGE_850),
        &[437, 852, 866, 620],
    );
    if score(dos, bytes) > first_score + margin {
        dos
    } else {
        first
    }
}

/// Code pages that write the same languages: a file declaring one of a
/// group but holding bytes it leaves undefined was most likely written in
/// another of the group (a DOS program's text in a table marked Windows).
const SCRIPT_GROUPS: &[&[u16]] = &[
    &[1252, 850, 437, 858, 860, 863, 865, 861, 28591],
    &[1250, 852, 620, 895, 28592],
    &[1251, 866, 855, 20866, 21866, 28595],
    &[1253, 737, 869, 28597],
    &[1254, 857],
];

/// The best reading of `bytes` among the pages of `declared`'s group
/// (`declared` itself left out); chardetng's guess when it is in no group.
pub fn best_related(bytes: &[u8], declared: u16) -> Charset {
    let Some(group) = SCRIPT_GROUPS.iter().find(|g| g.contains(&declared)) else {
        return guess(bytes);
    };
    let candidates: Vec<u16> = group.iter().copied().filter(|&p| p != declared).collect();
    let first = super::by_code_page(candidates[0]).expect("every grouped page has a table");
    best_of(bytes, first, &candidates[1..])
}

fn best_of(bytes: &[u8], first: Charset, others: &[u16]) -> Charset {
    let mut best = (first, score(first, bytes));
    for candidate in others.iter().filter_map(|&p| super::by_code_page(p)) {
        let candidate_score = score(candidate, bytes);
        if candidate_score > best.1 {
            best = (candidate, candidate_score);
        }
    }
    best.0
}

/// How well `charset` reads `bytes`: +2 per letter beyond ASCII, +1 per
/// typographic dash, quote or ellipsis, -1 per box-drawing or block
/// character (what a DOS table makes of Windows letters), -2 per capital
/// right after a small letter (`ЁўҐ`, `donÆt`: what the wrong page makes of
/// a word), -8 per byte with no character.
pub fn score(charset: Charset, bytes: &[u8]) -> i64 {
    let (text, undefined) = charset.decode(bytes);
    let mut score = -8 * undefined as i64;
    let mut after_small_letter = false;
    for c in text.chars() {
        if !c.is_ascii() {
            if c.is_alphabetic() {
                score += 2;
            } else if ('\u{2013}'..='\u{2026}').contains(&c) {
                score += 1;
            } else if ('\u{2500}'..='\u{25FF}').contains(&c) {
                score -= 1;
            }
        }
        if after_small_letter && c.is_uppercase() {
            score -= 2;
        }
        after_small_letter = c.is_lowercase();
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(bytes: &[u8]) -> &'static str {
        guess(bytes).name()
    }

    #[test]
    fn windows_text_stays_windows() {
        assert_eq!(name(b"\xd1and\xfa Jos\xe9 S\xe3o Paulo"), "windows-1252");
    }

    #[test]
    fn dos_text_is_read_as_dos() {
        // cp850: "Grüße aus Köln, Bärbel" (0x81 is undefined in Windows-1252).
        assert_eq!(name(b"Gr\x81\xe1e aus K\x94ln, B\x84rbel"), "IBM850");
        // cp866: "Привет мир"
        assert_eq!(name(b"\x8f\xe0\xa8\xa2\xa5\xe2 \xac\xa8\xe0"), "IBM866");
    }

    #[test]
    fn a_declared_page_leaving_bytes_undefined_gives_way_to_its_group() {
        // Declared Windows-1252 holding cp850 text: Cyrillic cp866 reads
        // more letters, but the group keeps to Western pages.
        assert_eq!(
            best_related(b"\x8e\x94\x81!\xf5$%&/", 1252).name(),
            "IBM850"
        );
        assert_eq!(
            best_related(b"\x8f\xe0\xa8\xa2\xa5\xe2", 1251).name(),
            "IBM866"
        );
    }

    #[test]
    fn windows_punctuation_is_not_taken_for_dos_letters() {
        // "don’t do…Petits" in Windows-1252; cp850 reads "donÆt doàPetits".
        assert_eq!(name(b"don\x92t do\x85Petits"), "windows-1252");
        // Catalan in cp850: "baix pened\x8as", "c\x87"
        assert_eq!(name(b"baix pened\x8as, pla\x87a, vall\x8as"), "IBM850");
    }

    #[test]
    fn utf8_and_cjk() {
        assert_eq!(name("Zürich".as_bytes()), "UTF-8");
        assert_eq!(name(b"plain"), "UTF-8");
        // GBK "测试中文"
        assert_eq!(name(b"\xb2\xe2\xca\xd4\xd6\xd0\xce\xc4"), "GBK");
    }
}
