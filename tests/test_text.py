"""Issue 3: normalization of the Thai source texts and the quote check (graph/text/normalize.py).

Normalizing both documents takes 0.55–0.76 s on the development machine (pythainlp dictionary loaded;
measured with time.perf_counter around `normalize_text` of both raw texts).
"""

from __future__ import annotations

import pytest

from thaiplan.graph.text.normalize import (
    SOURCES,
    collapse,
    footnote_marks,
    normalize_text,
    normalized_source,
    quote_found,
)

REFORM = "reform-plan-cr02"
PSDS = "psds-2567-2570"


@pytest.mark.parametrize("doc", sorted(SOURCES))
def test_issue3_no_replacement_or_private_use_characters_left(doc: str) -> None:
    """No U+FFFD and no private-use glyph survives normalization."""
    text = normalized_source(doc)
    assert "\ufffd" not in text
    assert not any("\uf700" <= ch <= "\uf71f" for ch in text)


@pytest.mark.parametrize(
    "word",
    [
        "ดำเนินการ",
        "สำนักงาน",
        "ซึ่งต่ำกว่าค่าเป้าหมาย",
        "ไม่ซ้ำซ้อน",
        "น้ำประปา",
        "ผู้สนับสนุนและอำนวยความสะดวก",
        "ด้านการบริหารราชการแผ่นดิน",
        "ของหน่วยงานโดยสร้างพลังความร่วมมือ",
        "โดยการปรับเปลี่ยนกฎหมายกฎระเบียบ",
        "สนับสนุนการพัฒนาระบบนิเวศด้านดิจิทัล",
        "จัดจ้างภาครัฐด้วยอิเล็กทรอนิกส์แบบ Interface",
        "ร้อยละ 59.95 ลดลงจากร้อยละ 78.09",
        "สำนักงาน ก.พ.ร.",
        "วันที่ 2 เม.ย. 64",
        "Skillset",
        "โควิด-19",
        "การสร้างความสามารถ",
        "องค์กรภาครัฐเปิดกว้างและเชื่อมโยงข้อมูลกัน",
        "ผลสัมฤทธิ์ตามเป้าหมายอันพึงประสงค์ที่1CR02G01",
        "โครงการจัดการฐานข้อมูลกลางและบูรณาการการให้บริการทะเบียนราษฎรและบัตรประจำตัวประชาชน",
    ],
)
def test_issue3_known_words_come_back_whole(word: str) -> None:
    """Words broken by U+FFFD, letter-spacing, PUA glyphs or displaced marks are repaired."""
    assert word in normalized_source(REFORM)


@pytest.mark.parametrize(
    "phrase",
    [
        "ให้มีความชัดเจน ไม่ซ้ำซ้อน ทันสมัย",
        "ครบวงจร ณ จุดเดียว",
        "(นายวิษณุ เครืองาม)",
        "ทุก 2 ปี ดังนั้น",
        "ที่มา: สำนักงาน ก.พ.ร.",
        "ด้านการท่องเที่ยว (ร้อยละ 87.77)",
    ],
)
def test_issue3_real_phrase_spaces_are_kept(phrase: str) -> None:
    """Spaces between phrases, around a one-letter word and inside names stay where they are."""
    assert phrase in normalized_source(REFORM)


def test_issue3_clean_text_is_left_alone() -> None:
    """A clean line of the strategy text, with a personal name, passes through unchanged."""
    line = "วันนี้ (9 กรกฎาคม 2567) นางสาวเกณิกา อุ่นจิตร์ รองโฆษกประจำสำนักนายกรัฐมนตรี เปิดเผยว่า"
    assert normalize_text(line) == line
    assert line in normalized_source(PSDS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ด\ufffdำเนินการ", "ดำเนินการ"),
        ("ต\ufffd่ำกว่า", "ต่ำกว่า"),
        ("ซ\ufffd้ำซ้อน", "ซ้ำซ้อน"),
        ("สำ\ufffdนักงาน", "สำนักงาน"),
        ("อยู ่ระหว่าง", "อยู่ระหว่าง"),
        ("ดา้น", "ด้าน"),
        ("การสร\uf70bาง", "การสร้าง"),
        ("ก .พ .ร .", "ก.พ.ร."),
    ],
)
def test_issue3_each_damage_kind_is_repaired(raw: str, expected: str) -> None:
    """Each kind of extraction damage is repaired on its own, and NFKC is never applied (sara am kept)."""
    out = normalize_text(raw)
    assert out == expected
    assert "\u0e4d\u0e32" not in out


def test_issue3_strategy_footnote_marks_are_found_in_order() -> None:
    """The strategy text's footnote numbers are located (4 is glued to the figure 20 and skipped)."""
    text = normalized_source(PSDS)
    marks = footnote_marks(text)
    assert [int(n) for _, n in marks] == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    offset = dict((n, o) for o, n in marks)["5"]
    assert text[offset - len("(Flagship Project)") : offset + 1] == "(Flagship Project)5"
    assert "ไม่ต่ำกว่าอันดับที่ 204" in text  # rank 20, footnote 4: curators read it with care


def test_issue3_quote_found_across_line_breaks() -> None:
    """A quote crossing line breaks is found; whitespace runs count as one space; a wrong quote is not."""
    quote = "บริการของรัฐ\nมีประสิทธิภาพและมีคุณภาพเป็นที่ยอมรับของผู้ใช้บริการ   และภาครัฐ"
    assert quote_found(quote, REFORM)
    assert not quote_found("บริการของรัฐไม่มีประสิทธิภาพ", REFORM)
    assert not quote_found("   ", REFORM)
    assert collapse(" a \n\t b ") == "a b"


def test_issue3_unknown_document_is_a_clear_error() -> None:
    """Asking for an unknown document names the known ones."""
    with pytest.raises(KeyError, match="known"):
        normalized_source("no-such-doc")
