//! Column names and cells as spreadsheets and people see them: near-miss folding of column
//! names, and neutralising cells a spreadsheet would run as formulas.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Whether `c` is invisible in a column name: a format (Cf) or filler character, a variation
/// selector, or a Unicode tag. Listed by hand (a small, stable set) rather than through a
/// character database.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The Latin letter a common Cyrillic or Greek look-alike stands for (both cases; the result
/// is lower-cased afterwards).
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'а' | 'А' => 'a',
        'В' => 'b',
        'с' | 'С' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'ё' | 'Ё' => 'e',
        'һ' | 'Һ' | 'Н' => 'h',
        'і' | 'І' | 'ӏ' | 'Ӏ' => 'i',
        'ј' | 'Ј' => 'j',
        'К' | 'к' => 'k',
        'М' => 'm',
        'о' | 'О' => 'o',
        'р' | 'Р' => 'p',
        'ԛ' | 'Ԛ' => 'q',
        'ѕ' | 'Ѕ' => 's',
        'Т' => 't',
        'у' | 'У' | 'ү' | 'Ү' => 'y',
        'ԝ' | 'Ԝ' => 'w',
        'х' | 'Х' => 'x',
        // Greek
        'Α' | 'α' => 'a',
        'Β' | 'β' => 'b',
        'Ε' | 'ε' => 'e',
        'Η' => 'h',
        'Ι' | 'ι' => 'i',
        'Κ' | 'κ' => 'k',
        'Μ' => 'm',
        'Ν' | 'ν' => 'v',
        'Ο' | 'ο' => 'o',
        'Ρ' | 'ρ' => 'p',
        'Τ' | 'τ' => 't',
        'Υ' | 'υ' | 'γ' => 'y',
        'Χ' | 'χ' => 'x',
        'Ζ' => 'z',
        // Latin look-alikes: alpha, dental click
        'ɑ' => 'a',
        'ǀ' => 'l',
        _ => return None,
    })
}

/// Lower case for the scripts column names are written in here (Latin: ASCII, Latin-1,
/// Latin Extended-A; Greek; Cyrillic), by hand: `char::to_lowercase` would add its 11 KB
/// Unicode table to the npm module for no other use.
fn lower(c: char) -> char {
    let u = u32::from(c);
    let l = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB | 0x410..=0x42F => {
            u + 0x20
        }
        0x400..=0x40F => u + 0x50,
        0x100..=0x12F
        | 0x132..=0x137
        | 0x14A..=0x177
        | 0x460..=0x481
        | 0x48A..=0x4BF
        | 0x4D0..=0x52F
            if u % 2 == 0 =>
        {
            u + 1
        }
        0x139..=0x148 | 0x179..=0x17E if u % 2 == 1 => u + 1,
        _ => u,
    };
    char::from_u32(l).unwrap_or(c)
}

/// A column name as shown in a message: control, white-space (other than a space) and
/// invisible characters written as `\u{..}`, so that a near miss is visible.
pub(crate) fn shown(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control() || (c.is_whitespace() && c != ' ') || is_invisible(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `c` is a combining mark in one of the combining-diacritics blocks (U+0300–U+036F,
/// U+1AB0–U+1AFF, U+1DC0–U+1DFF, U+20D0–U+20FF, U+FE20–U+FE2F). By hand, like
/// [`is_invisible`]: no character database in the npm module.
fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// The folded form of a column name, under which names that differ only by case, white space,
/// control, invisible (zero-width, format) characters, accents (combining marks) or common
/// Cyrillic / Greek / Latin look-alikes of Latin letters are equal: NFKD (so full-width and
/// compatibility forms become plain letters and accented letters a letter and its marks),
/// then white space, control characters (C0, DEL, C1), invisible characters and combining
/// marks removed, look-alikes mapped to Latin, and lower case (Latin, Greek and Cyrillic
/// letters). Both sides of a comparison are folded alike, so the result is only ever compared,
/// never shown.
///
/// Used to refuse a column that is a near miss of a policy key (`"unlisted": "keep"` would
/// otherwise pass its values through untouched).
///
/// ```
/// use consentry::pseudo::fold_column_name;
/// let k = fold_column_name("aadhaar");
/// for near in ["Aadhaar", " aadhaar ", "aad haar", "aadh\u{200B}aar", "\u{430}adhaar", "ＡＡＤＨＡＡＲ",
///     "a\u{300}adhaar", "aadhaaŕ", "\u{251}adhaar", "aadhaar\u{7f}"] {
///     assert_eq!(fold_column_name(near), k, "{near:?}");
/// }
/// assert_ne!(fold_column_name("aadhaar_2"), k);
/// ```
pub fn fold_column_name(name: &str) -> String {
    name.nfkd()
        .filter(|c| {
            !c.is_whitespace() && !c.is_control() && !is_invisible(*c) && !is_combining_mark(*c)
        })
        .map(|c| lower(latin_lookalike(c).unwrap_or(c)))
        .collect()
}

/// Whether a spreadsheet would read `cell` as a formula (or a command): it starts with a tab,
/// a carriage return or a line feed, or its first character after any leading ASCII white
/// space (space, tab, CR, LF) is `=`, `+`, `-`, `@` or `|` (DDE), or the full-width form of
/// one of them (`＝` `＋` `－` `＠` `｜`). A number such as `-5` is formula-like too (and so
/// neutralised): the rule does not read cells.
pub fn is_formula_like(cell: &str) -> bool {
    if matches!(cell.as_bytes().first(), Some(b'\t' | b'\r' | b'\n')) {
        return true;
    }
    matches!(
        cell.trim_start_matches([' ', '\t', '\r', '\n'])
            .chars()
            .next(),
        Some('=' | '+' | '-' | '@' | '|' | '＝' | '＋' | '－' | '＠' | '｜')
    )
}

/// `cell` made safe to open in a spreadsheet (CSV injection, OWASP): a cell that
/// [`is_formula_like`] gets a single quote `'` in front, which spreadsheets show as text;
/// every other cell is returned unchanged.
///
/// ```
/// use consentry::pseudo::csv_safe_cell;
/// assert_eq!(csv_safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(csv_safe_cell("+919876543210"), "'+919876543210");
/// assert_eq!(csv_safe_cell("Meena"), "Meena");
/// assert_eq!(csv_safe_cell(""), "");
/// ```
pub fn csv_safe_cell(cell: &str) -> Cow<'_, str> {
    if is_formula_like(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_distinct_names_distinct() {
        assert_ne!(fold_column_name("aadhaar"), fold_column_name("aadhaar1"));
        assert_ne!(fold_column_name("name"), fold_column_name("names"));
        assert_eq!(fold_column_name("Mobile No"), fold_column_name("mobileno"));
        // Cyrillic capital and Greek letters in an otherwise Latin name.
        assert_eq!(fold_column_name("АADHAAR"), "aadhaar");
        assert_eq!(fold_column_name("ΑΑDΗΑΑR"), "aadhaar");
        assert_eq!(fold_column_name("aadhaar\u{FEFF}"), "aadhaar");
        assert_eq!(fold_column_name("\u{2060}"), "");
        assert_eq!(fold_column_name("ÉTAT Ğ"), "etatg");
        for near in [
            "a\u{300}adhaar",
            "\u{251}adhaar",
            "aadhaa\u{155}",
            "aadhaar\u{7f}",
            "aad\u{1}haar\u{85}",
            "aadhaar\u{1AB0}\u{1DC0}\u{20D0}\u{FE20}",
        ] {
            assert_eq!(fold_column_name(near), "aadhaar", "{near:?}");
        }
        assert_eq!(fold_column_name("ma\u{1C0}e"), fold_column_name("male"));
        assert_eq!(shown("a\u{200B}b\tc d"), "a\\u{200b}b\\u{9}c d");
    }

    #[test]
    fn lower_agrees_with_the_standard_library_where_it_maps() {
        let ranges = [0x20..0x250u32, 0x370..0x400, 0x400..0x530];
        for u in ranges.into_iter().flatten() {
            let Some(c) = char::from_u32(u) else { continue };
            let l = lower(c);
            if l != c {
                assert_eq!(c.to_lowercase().collect::<String>(), l.to_string(), "{c:?}");
            }
        }
        for c in [
            'A', 'Z', 'À', 'Þ', 'Ā', 'Ž', 'Α', 'Ω', 'А', 'Я', 'Ё', 'Ѣ', 'Ӑ',
        ] {
            assert_eq!(
                lower(c).to_string(),
                c.to_lowercase().collect::<String>(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn formula_cells() {
        for c in [
            "=1+1",
            "+1",
            "-1",
            "-5",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "\nx",
            " =HYPERLINK(1)",
            "\t =1",
            "\n=1",
            " \r\n+1",
            "|cmd",
            "  |cmd",
            "＝cmd",
            "＋1",
            "－1",
            "＠SUM(A1)",
            "｜cmd",
            " ＝1",
        ] {
            assert!(is_formula_like(c), "{c:?}");
            assert_eq!(csv_safe_cell(c), format!("'{c}"));
        }
        for c in ["", "a=b", "'=1", "1-2", " 1", "  ", "x|y"] {
            assert!(!is_formula_like(c), "{c:?}");
        }
    }
}
