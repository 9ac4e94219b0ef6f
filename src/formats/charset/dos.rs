//! DOS (OEM) code pages `encoding_rs` does not have: the tables of `oem_cp`
//! (437, 850, 852 and the other IBM pages), and two no crate carries:
//! Mazovia, the Polish DOS page (dBase language driver 0x69), and
//! Kamenický, the Czech one (0x68).

use std::borrow::Cow;

use oem_cp::code_table::{
    DECODING_TABLE_CP437, DECODING_TABLE_CP720, DECODING_TABLE_CP737, DECODING_TABLE_CP775,
    DECODING_TABLE_CP850, DECODING_TABLE_CP852, DECODING_TABLE_CP855, DECODING_TABLE_CP857,
    DECODING_TABLE_CP858, DECODING_TABLE_CP860, DECODING_TABLE_CP861, DECODING_TABLE_CP862,
    DECODING_TABLE_CP863, DECODING_TABLE_CP865, DECODING_TABLE_CP869,
};

/// A single-byte DOS code page: ASCII below 0x80, a table above.
#[derive(Debug, PartialEq, Eq)]
pub struct DosCodePage {
    /// Its name in reports (`IBM850`, `Mazovia`).
    pub name: &'static str,
    /// Its code page number (Mazovia: 620, the number dBase tools give it).
    pub number: u16,
    high: High,
}

#[derive(Debug, PartialEq, Eq)]
enum High {
    /// Every byte from 0x80 maps to a character.
    Complete(&'static [char; 128]),
    /// Some bytes are undefined.
    Incomplete(&'static [Option<char>; 128]),
}

impl DosCodePage {
    /// The character of a byte from 0x80 up, `None` if undefined.
    fn high_char(&self, byte: u8) -> Option<char> {
        let index = usize::from(byte - 0x80);
        match self.high {
            High::Complete(table) => Some(table[index]),
            High::Incomplete(table) => table[index],
        }
    }

    /// `bytes` as text, and how many bytes were undefined (read as U+FFFD).
    pub fn decode<'a>(&self, bytes: &'a [u8]) -> (Cow<'a, str>, usize) {
        if bytes.is_ascii() {
            let text = std::str::from_utf8(bytes).expect("ASCII is UTF-8");
            return (Cow::Borrowed(text), 0);
        }
        let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
        let mut undefined = 0;
        for &byte in bytes {
            if byte < 0x80 {
                text.push(char::from(byte));
            } else {
                text.push(self.high_char(byte).unwrap_or_else(|| {
                    undefined += 1;
                    '\u{FFFD}'
                }));
            }
        }
        (Cow::Owned(text), undefined)
    }

    /// Appends `bytes` as UTF-8 to `out`; the count of undefined bytes.
    pub fn decode_into(&self, bytes: &[u8], out: &mut Vec<u8>) -> usize {
        let mut undefined = 0;
        let mut buffer = [0u8; 4];
        for &byte in bytes {
            if byte < 0x80 {
                out.push(byte);
            } else {
                let c = self.high_char(byte).unwrap_or_else(|| {
                    undefined += 1;
                    '\u{FFFD}'
                });
                out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            }
        }
        undefined
    }
}

macro_rules! page {
    ($number:literal, $kind:ident, $table:expr) => {
        DosCodePage {
            name: concat!("IBM", stringify!($number)),
            number: $number,
            high: High::$kind(&$table),
        }
    };
}

/// Mazovia (Polish DOS): code page 437 with the 18 Polish letters in place
/// of some of its accented letters and symbols.
pub static MAZOVIA: DosCodePage = DosCodePage {
    name: "Mazovia",
    number: 620,
    high: High::Complete(&MAZOVIA_HIGH),
};

/// Kamenický (Czech and Slovak DOS, language driver 0x68).
pub static KAMENICKY: DosCodePage = DosCodePage {
    name: "Kamenicky",
    number: 895,
    high: High::Complete(&KAMENICKY_HIGH),
};

/// Code page 850 (Western European DOS), the first DOS candidate guesses try.
pub static PAGE_850: DosCodePage = page!(850, Complete, DECODING_TABLE_CP850);

/// Every other DOS page, by number (866 is `encoding_rs`'s IBM866).
static PAGES: &[DosCodePage] = &[
    page!(437, Complete, DECODING_TABLE_CP437),
    page!(720, Complete, DECODING_TABLE_CP720),
    page!(737, Complete, DECODING_TABLE_CP737),
    page!(775, Complete, DECODING_TABLE_CP775),
    page!(852, Complete, DECODING_TABLE_CP852),
    page!(855, Complete, DECODING_TABLE_CP855),
    page!(857, Incomplete, DECODING_TABLE_CP857),
    page!(858, Complete, DECODING_TABLE_CP858),
    page!(860, Complete, DECODING_TABLE_CP860),
    page!(861, Complete, DECODING_TABLE_CP861),
    page!(862, Complete, DECODING_TABLE_CP862),
    page!(863, Complete, DECODING_TABLE_CP863),
    page!(865, Complete, DECODING_TABLE_CP865),
    page!(869, Complete, DECODING_TABLE_CP869),
];

/// The DOS page numbered `number` (620: Mazovia, 895: Kamenický).
pub fn by_number(number: u16) -> Option<&'static DosCodePage> {
    [&MAZOVIA, &KAMENICKY, &PAGE_850]
        .into_iter()
        .chain(PAGES)
        .find(|page| page.number == number)
}

/// A label naming Mazovia, or a DOS page with its prefix: `cp437`,
/// `ibm850`, `ibm-852`, `dos-437`, `oem850`. Bare numbers are looked up by
/// the caller (`1252` is a Windows page).
pub fn by_label(label: &str) -> Option<&'static DosCodePage> {
    match label {
        "mazovia" => return Some(&MAZOVIA),
        "kamenicky" => return Some(&KAMENICKY),
        _ => {}
    }
    let digits = ["cp", "ibm", "dos", "oem"]
        .iter()
        .find_map(|prefix| label.strip_prefix(prefix))?
        .trim_start_matches(['-', '_', ' ']);
    by_number(digits.parse().ok()?)
}

/// Bytes 0x80 to 0xFF of Mazovia, as Harbour's `src/codepage/ucmaz.c` maps
/// them: code page 437 with Ą ą Ć ć Ę ę Ł ł Ń ń Ó Ś ś Ź ź Ż ż at 0x86-0xA7
/// (ó, 0xA2, is 437's own).
#[rustfmt::skip]
static MAZOVIA_HIGH: [char; 128] = [
    '\u{00C7}', '\u{00FC}', '\u{00E9}', '\u{00E2}', '\u{00E4}', '\u{00E0}', '\u{0105}', '\u{00E7}', // 0x80
    '\u{00EA}', '\u{00EB}', '\u{00E8}', '\u{00EF}', '\u{00EE}', '\u{0107}', '\u{00C4}', '\u{0104}', // 0x88
    '\u{0118}', '\u{0119}', '\u{0142}', '\u{00F4}', '\u{00F6}', '\u{0106}', '\u{00FB}', '\u{00F9}', // 0x90
    '\u{015A}', '\u{00D6}', '\u{00DC}', '\u{00A2}', '\u{0141}', '\u{00A5}', '\u{015B}', '\u{0192}', // 0x98
    '\u{0179}', '\u{017B}', '\u{00F3}', '\u{00D3}', '\u{0144}', '\u{0143}', '\u{017A}', '\u{017C}', // 0xA0
    '\u{00BF}', '\u{2310}', '\u{00AC}', '\u{00BD}', '\u{00BC}', '\u{00A1}', '\u{00AB}', '\u{00BB}', // 0xA8
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{2561}', '\u{2562}', '\u{2556}', // 0xB0
    '\u{2555}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255D}', '\u{255C}', '\u{255B}', '\u{2510}', // 0xB8
    '\u{2514}', '\u{2534}', '\u{252C}', '\u{251C}', '\u{2500}', '\u{253C}', '\u{255E}', '\u{255F}', // 0xC0
    '\u{255A}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256C}', '\u{2567}', // 0xC8
    '\u{2568}', '\u{2564}', '\u{2565}', '\u{2559}', '\u{2558}', '\u{2552}', '\u{2553}', '\u{256B}', // 0xD0
    '\u{256A}', '\u{2518}', '\u{250C}', '\u{2588}', '\u{2584}', '\u{258C}', '\u{2590}', '\u{2580}', // 0xD8
    '\u{03B1}', '\u{00DF}', '\u{0393}', '\u{03C0}', '\u{03A3}', '\u{03C3}', '\u{00B5}', '\u{03C4}', // 0xE0
    '\u{03A6}', '\u{0398}', '\u{03A9}', '\u{03B4}', '\u{221E}', '\u{03C6}', '\u{03B5}', '\u{2229}', // 0xE8
    '\u{2261}', '\u{00B1}', '\u{2265}', '\u{2264}', '\u{2320}', '\u{2321}', '\u{00F7}', '\u{2248}', // 0xF0
    '\u{00B0}', '\u{2219}', '\u{00B7}', '\u{221A}', '\u{207F}', '\u{00B2}', '\u{25A0}', '\u{00A0}', // 0xF8
];

/// Bytes 0x80 to 0xFF of Kamenický (Czech and Slovak DOS), as Harbour's
/// `src/codepage/uckam.c` maps them: code page 437 above 0xAF.
#[rustfmt::skip]
static KAMENICKY_HIGH: [char; 128] = [
    '\u{010C}', '\u{00FC}', '\u{00E9}', '\u{010F}', '\u{00E4}', '\u{010E}', '\u{0164}', '\u{010D}', // 0x80
    '\u{011B}', '\u{011A}', '\u{0139}', '\u{00CD}', '\u{013E}', '\u{013A}', '\u{00C4}', '\u{00C1}', // 0x88
    '\u{00C9}', '\u{017E}', '\u{017D}', '\u{00F4}', '\u{00F6}', '\u{00D3}', '\u{016F}', '\u{00DA}', // 0x90
    '\u{00FD}', '\u{00D6}', '\u{00DC}', '\u{0160}', '\u{013D}', '\u{00DD}', '\u{0158}', '\u{0165}', // 0x98
    '\u{00E1}', '\u{00ED}', '\u{00F3}', '\u{00FA}', '\u{0148}', '\u{0147}', '\u{016E}', '\u{00D4}', // 0xA0
    '\u{0161}', '\u{0159}', '\u{0155}', '\u{0154}', '\u{00BC}', '\u{00A7}', '\u{00AB}', '\u{00BB}', // 0xA8
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{2561}', '\u{2562}', '\u{2556}', // 0xB0
    '\u{2555}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255D}', '\u{255C}', '\u{255B}', '\u{2510}', // 0xB8
    '\u{2514}', '\u{2534}', '\u{252C}', '\u{251C}', '\u{2500}', '\u{253C}', '\u{255E}', '\u{255F}', // 0xC0
    '\u{255A}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256C}', '\u{2567}', // 0xC8
    '\u{2568}', '\u{2564}', '\u{2565}', '\u{2559}', '\u{2558}', '\u{2552}', '\u{2553}', '\u{256B}', // 0xD0
    '\u{256A}', '\u{2518}', '\u{250C}', '\u{2588}', '\u{2584}', '\u{258C}', '\u{2590}', '\u{2580}', // 0xD8
    '\u{03B1}', '\u{00DF}', '\u{0393}', '\u{03C0}', '\u{03A3}', '\u{03C3}', '\u{00B5}', '\u{03C4}', // 0xE0
    '\u{03A6}', '\u{0398}', '\u{03A9}', '\u{03B4}', '\u{221E}', '\u{03C6}', '\u{03B5}', '\u{2229}', // 0xE8
    '\u{2261}', '\u{00B1}', '\u{2265}', '\u{2264}', '\u{2320}', '\u{2321}', '\u{00F7}', '\u{2248}', // 0xF0
    '\u{00B0}', '\u{2219}', '\u{00B7}', '\u{221A}', '\u{207F}', '\u{00B2}', '\u{25A0}', '\u{00A0}', // 0xF8
];
