-- Normalisers of data contract v1, section 1, as DuckDB macros: vectorised over whole columns.
-- Every macro takes the cell text as delivered (NULL or '' when empty).
-- Names: sl_clean_* give cleaned text, sl_* give the canonical value or NULL when unreadable.

-- Full-width ASCII and the ideographic space as half-width (the two strings are filled in by
-- normalise.py from sunlight.text, so Python and SQL share one table). translate() with a long
-- table is slow, and most cells have no full-width character: look before translating.
CREATE OR REPLACE MACRO sl_hw(s) AS CASE
    WHEN regexp_matches(s, '[\x{FF01}-\x{FF5E}\x{3000}]') THEN translate(s, '@FULL_WIDTH@', '@HALF_WIDTH@')
    ELSE s END;

-- Whether a text has nothing that sl_hw, sl_squeeze or sl_text would change: no space of any
-- kind, no full-width character. Nearly every cell is such a text; one search for it is far
-- cheaper than the replacements, which then run on the other texts only.
CREATE OR REPLACE MACRO sl_plain(s) AS
    NOT regexp_matches(s, '[\s\x{00A0}\x{200B}\x{FEFF}\x{FF01}-\x{FF5E}\x{3000}]');

-- Every kind of space removed: ASCII, full-width (made ASCII by sl_hw), no-break, zero-width, BOM.
CREATE OR REPLACE MACRO sl_squeeze(s) AS CASE
    WHEN sl_plain(s) THEN s
    ELSE regexp_replace(sl_hw(s), '[\s\x{00A0}\x{200B}\x{FEFF}]+', '', 'g') END;

-- Free text: trimmed, inner runs of space folded to one.
CREATE OR REPLACE MACRO sl_text(s) AS CASE
    WHEN sl_plain(s) THEN nullif(s, '')
    ELSE nullif(trim(regexp_replace(sl_hw(s), '[\s\x{00A0}\x{200B}\x{FEFF}]+', ' ', 'g')), '') END;

-- ID numbers (GB 11643) ---------------------------------------------------------------------
-- Spaces and apostrophes (Excel's text marker) anywhere are not part of an ID; x means X.
-- Nearly every ID is delivered clean, 17 digits and a digit or X: left as it is at once.
CREATE OR REPLACE MACRO sl_clean_id(s) AS CASE
    WHEN regexp_full_match(s, '\d{17}[\dX]') THEN s
    ELSE nullif(upper(regexp_replace(sl_hw(s), '[\s\x{00A0}\x{200B}\x{FEFF}''‘’`]+', '', 'g')), '') END;

-- The check character of the first 17 digits. The digits are read as one integer and taken
-- apart by arithmetic: far cheaper than 17 substrings, each cast to a number.
CREATE OR REPLACE MACRO sl_id_check_digits(n) AS substr('10X98765432', 1 + ((
      7 * (n // 10000000000000000 % 10) + 9 * (n // 1000000000000000 % 10)
    + 10 * (n // 100000000000000 % 10) + 5 * (n // 10000000000000 % 10)
    + 8 * (n // 1000000000000 % 10) + 4 * (n // 100000000000 % 10)
    + 2 * (n // 10000000000 % 10) + 1 * (n // 1000000000 % 10)
    + 6 * (n // 100000000 % 10) + 3 * (n // 10000000 % 10)
    + 7 * (n // 1000000 % 10) + 9 * (n // 100000 % 10)
    + 10 * (n // 10000 % 10) + 5 * (n // 1000 % 10)
    + 8 * (n // 100 % 10) + 4 * (n // 10 % 10)
    + 2 * (n % 10)) % 11), 1);

CREATE OR REPLACE MACRO sl_id_check(p) AS sl_id_check_digits(CAST(p AS BIGINT));

-- The 17 digits that carry the check character: those of an 18-character ID, or those of a
-- 15-digit ID with '19' put into its year. NULL for anything else.
CREATE OR REPLACE MACRO sl_id_body(c) AS CASE
    WHEN regexp_full_match(c, '\d{17}[\dX]') THEN substr(c, 1, 17)
    WHEN regexp_full_match(c, '\d{15}') THEN substr(c, 1, 6) || '19' || substr(c, 7, 9)
    END;

-- Cleaned ID → canonical 18 characters, given its body and the body's check character: the
-- 18-character form as it is, the 15-digit form as its body and check character.
CREATE OR REPLACE MACRO sl_id_canonical(c, body, check_char) AS CASE
    WHEN body IS NULL THEN NULL
    WHEN length(c) = 18 THEN c
    ELSE body || check_char
    END;

CREATE OR REPLACE MACRO sl_id_check_matches(id, check_char) AS substr(id, 18, 1) = check_char;

-- Why a cleaned ID `c` cannot be read (NULL when it can), given its canonical form `id` and
-- whether that passes its check. An 18-digit ID ending in 000 whose check fails is what Excel
-- leaves of an ID it stored as a number (15 significant digits).
CREATE OR REPLACE MACRO sl_id_defect(c, id, checksum_ok) AS CASE
    WHEN id IS NULL AND regexp_matches(c, '^\d(\.\d+)?E\+?\d+$')
        THEN 'ID number turned into a number (scientific notation)'
    WHEN id IS NULL
        THEN 'not an ID number: ' || length(c) || ' characters after cleaning, expected 15 or 18'
    WHEN NOT checksum_ok AND length(c) = 18 AND suffix(c, '000')
        THEN 'ID number lost its last digits (stored as a number)'
    END;

-- Names --------------------------------------------------------------------------------------
-- Chinese names lose every space; the middle dot of minority names takes one spelling. Most
-- names are Han characters alone: nothing to change.
CREATE OR REPLACE MACRO sl_name(s) AS CASE
    WHEN regexp_full_match(s, '\p{Han}+') THEN s
    WHEN regexp_matches(s, '\p{Han}') THEN nullif(regexp_replace(
        sl_squeeze(s), '[.．・•‧∙⋅･]', '·', 'g'), '')
    ELSE sl_text(s)
    END;

-- Dates and months ----------------------------------------------------------------------------
CREATE OR REPLACE MACRO sl_clean_date(s) AS nullif(regexp_replace(sl_squeeze(s), '号$', '日'), '');

-- The date macros take text cleaned by sl_clean_date.
CREATE OR REPLACE MACRO sl_date(c) AS CAST(CASE
    WHEN regexp_full_match(c, '\d{8}') THEN try_strptime(c, '%Y%m%d')
    WHEN regexp_full_match(c, '\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(T?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?')
        THEN try_strptime(regexp_replace(c, '^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2}).*$', '\1-\2-\3'),
                          '%Y-%m-%d')
    END AS DATE);

CREATE OR REPLACE MACRO sl_plausible(d) AS d BETWEEN DATE '1900-01-01' AND DATE '2100-12-31';

-- A month as its first day: 2024-03, 2024/3, 2024.3, 202403, 2024年3月, or a date whose day is ignored.
CREATE OR REPLACE MACRO sl_month(c) AS CAST(CASE
    WHEN regexp_full_match(c, '\d{6}') THEN try_strptime(c || '01', '%Y%m%d')
    WHEN regexp_full_match(c, '\d{4}[-/.年]\d{1,2}月?')
        THEN try_strptime(regexp_replace(c, '^(\d{4})[-/.年](\d{1,2})月?$', '\1-\2-1'), '%Y-%m-%d')
    ELSE date_trunc('month', sl_date(c))
    END AS DATE);

-- A year: 2024, 2024年, 2024年度.
CREATE OR REPLACE MACRO sl_year(c) AS CASE
    WHEN regexp_full_match(c, '\d{4}(年度?)?') THEN CAST(substr(c, 1, 4) AS INTEGER)
    END;

-- Money and areas ----------------------------------------------------------------------------
CREATE OR REPLACE MACRO sl_clean_number(s) AS
    nullif(regexp_replace(sl_squeeze(s), '^[¥￥]|[元亩]$', '', 'g'), '');

-- A number's text without its thousands separators; NULL when commas sit anywhere else
-- (340,5 is not 3405: it is unreadable).
CREATE OR REPLACE MACRO sl_number_text(c) AS CASE
    WHEN regexp_full_match(c, '-?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?|-?\.\d+') THEN replace(c, ',', '')
    END;

-- Amounts (yuan) and areas (亩) take text cleaned by sl_clean_number. They are cast from the
-- text, not through a float. More decimals than the unit has (fen; 1/10000 亩) are accepted
-- only as the noise of a spreadsheet's binary float (442.04999999999995), not as a value.
CREATE OR REPLACE MACRO sl_decimal_places_ok(t, places) AS
    abs(TRY_CAST(t AS DOUBLE) - round(TRY_CAST(t AS DOUBLE), places)) < 0.000001;

CREATE OR REPLACE MACRO sl_amount(c) AS CASE
    WHEN sl_decimal_places_ok(sl_number_text(c), 2) THEN TRY_CAST(sl_number_text(c) AS DECIMAL(18, 2))
    END;

CREATE OR REPLACE MACRO sl_area(c) AS CASE
    WHEN NOT starts_with(c, '-') AND sl_decimal_places_ok(sl_number_text(c), 4)
        THEN TRY_CAST(sl_number_text(c) AS DECIMAL(18, 4))
    END;

-- Disability level 一级..四级 or 1..4, from squeezed text.
CREATE OR REPLACE MACRO sl_level(c) AS CASE regexp_replace(c, '级$', '')
    WHEN '1' THEN 1 WHEN '一' THEN 1 WHEN '2' THEN 2 WHEN '二' THEN 2
    WHEN '3' THEN 3 WHEN '三' THEN 3 WHEN '4' THEN 4 WHEN '四' THEN 4
    END;

-- Bank accounts: digits only, separators dropped. Scientific notation is an account Excel mangled.
CREATE OR REPLACE MACRO sl_clean_account(s) AS
    nullif(regexp_replace(sl_hw(s), '[\s\x{00A0}\x{200B}\x{FEFF}''‘’`-]+', '', 'g'), '');

CREATE OR REPLACE MACRO sl_account(c) AS CASE WHEN regexp_full_match(c, '\d{6,32}') THEN c END;

-- Unified social credit codes (GB 32100) -------------------------------------------------------
-- Cleaned as IDs are: spaces and apostrophes anywhere dropped, width and case made one.
CREATE OR REPLACE MACRO sl_clean_credit_code(s) AS CASE
    WHEN regexp_full_match(s, '[0-9A-HJ-NP-RTUW-Y]{18}') THEN s
    ELSE nullif(upper(regexp_replace(sl_hw(s), '[\s\x{00A0}\x{200B}\x{FEFF}''‘’`]+', '', 'g')), '') END;

-- The check character of a code's first 17 characters: each character's value is its place in
-- the 31-character alphabet (0-9, then A-Y without I, O, S, V, Z), weighted by 3^i mod 31;
-- the check is 31 − (Σ mod 31), 31 being 0. NULL when a character is not of the alphabet.
CREATE OR REPLACE MACRO sl_credit_code_places(c) AS
    list_transform(range(1, 18), lambda i: instr('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(c, i, 1)));

CREATE OR REPLACE MACRO sl_credit_code_check_of(places) AS CASE
    WHEN NOT list_contains(places, 0) THEN substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + CAST((31 - list_sum(
        list_transform(range(1, 18), lambda i: (places[i] - 1)
            * [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28][i])) % 31) % 31 AS BIGINT), 1)
    END;

CREATE OR REPLACE MACRO sl_credit_code_check(c) AS CASE
    WHEN length(c) = 18 THEN sl_credit_code_check_of(sl_credit_code_places(c)) END;

-- Why a cleaned code cannot be read (NULL when it can): only its length decides, as for IDs.
CREATE OR REPLACE MACRO sl_credit_code_defect(c) AS CASE
    WHEN regexp_matches(c, '^\d(\.\d+)?E\+?\d+$')
        THEN 'code turned into a number (scientific notation)'
    WHEN length(c) <> 18
        THEN 'not a unified social credit code: ' || length(c)
             || ' characters after cleaning, expected 18'
    END;

-- Whether a code has the layout of a real ID number (GB 11643): 17 digits from an area whose
-- province digit exists, a birth date that is a real day, and the ID's check character. About
-- 1 in 31 such numbers also passes GB 32100's check; none may be shown as a company's code.
CREATE OR REPLACE MACRO sl_credit_code_looks_like_id(c) AS CASE
    WHEN regexp_full_match(c, '[1-8]\d{16}[\dX]')
        THEN coalesce(CAST(try_strptime(substr(c, 7, 8), '%Y%m%d') AS DATE)
                          BETWEEN DATE '1900-01-01' AND current_date, FALSE)
             AND sl_id_check(substr(c, 1, 17)) = substr(c, 18, 1)
    ELSE FALSE END;

-- Headcounts: whole numbers of people, 12, 12人, 1,200, 12.0 (a whole number a spreadsheet
-- wrote with a zero fraction; 12.5 is no headcount); full width made half by sl_squeeze.
-- A number too large for a headcount (1,000,000,000,000) is unreadable, never an overflow.
CREATE OR REPLACE MACRO sl_clean_headcount(s) AS
    nullif(regexp_replace(sl_squeeze(s), '[人名]$', ''), '');

CREATE OR REPLACE MACRO sl_headcount(c) AS CASE
    WHEN regexp_full_match(c, '(\d{1,3}(,\d{3}){0,2}|\d{1,9})(\.0+)?')
        THEN TRY_CAST(replace(regexp_replace(c, '\.0+$', ''), ',', '') AS INTEGER)
    END;

-- Date-times (contract §1 v1.1): local time, no zone ------------------------------------------
-- Spaces folded to one (the one between date and time is meaningful), width made half.
CREATE OR REPLACE MACRO sl_clean_datetime(s) AS nullif(regexp_replace(sl_text(s), '号', '日'), '');

-- The date parts and the time of day, as %Y-%m-%d %H:%M:%S reads them: 2024-02-10 21:35,
-- 2024/2/10 21:35:00, 2024年2月10日 21:35 (or 21时35分), 2024-02-10T21:35:00 (a typed cell as
-- the reader writes it); a bare date (20240210, 2024.2.10, 2024年2月10日) is its 00:00.
-- Fractions of a second are dropped.
CREATE OR REPLACE MACRO sl_datetime_text(c) AS CASE
    WHEN regexp_full_match(c, '\d{8}')
        THEN substr(c, 1, 4) || '-' || substr(c, 5, 2) || '-' || substr(c, 7, 2) || ' 0:0:0'
    WHEN regexp_full_match(c, '\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?')
        THEN regexp_replace(c, '^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$', '\1-\2-\3 0:0:0')
    WHEN regexp_full_match(c, '\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[ T]?\d{1,2}[:时]\d{1,2}分?')
        THEN regexp_replace(c, '^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[ T]?(\d{1,2})[:时](\d{1,2})分?$',
                            '\1-\2-\3 \4:\5:0')
    WHEN regexp_full_match(c, '\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[ T]?\d{1,2}[:时]\d{1,2}[:分]\d{1,2}(\.\d+)?秒?')
        THEN regexp_replace(c, '^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[ T]?(\d{1,2})[:时](\d{1,2})[:分](\d{1,2})(\.\d+)?秒?$',
                            '\1-\2-\3 \4:\5:\6')
    END;

-- An Excel date-time stored as a number (its serial: days since 1899-12-30, the time of day as
-- the fraction), delivered as a number cell's text; five digits before the point cover
-- 1927–2173 and leave years and 20240210 alone. Rounded to the second.
CREATE OR REPLACE MACRO sl_excel_serial(c) AS CASE
    WHEN regexp_full_match(c, '\d{5}(\.\d+)?')
        THEN TIMESTAMP '1899-12-30 00:00:00'
             + to_seconds(CAST(round(CAST(c AS DOUBLE) * 86400) AS BIGINT))
    END;

CREATE OR REPLACE MACRO sl_datetime(c) AS
    coalesce(sl_excel_serial(c), try_strptime(sl_datetime_text(c), '%Y-%m-%d %H:%M:%S'));

-- Whether a cleaned date-time carries a time of day (a bare date or a whole serial does not).
CREATE OR REPLACE MACRO sl_datetime_has_time(c) AS
    NOT regexp_full_match(c, '\d{8}|\d{5}|\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?');
