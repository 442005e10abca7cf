"""The words of the `/import` page in Thai and English, and the importer's change list as table rows (#16)."""

from __future__ import annotations

import re
from typing import Any

from thaiplan.server import i18n

WORDS: dict[str, tuple[str, str]] = {
    "title": ("นำเข้าข้อมูลจากตารางคำนวณ", "Import a spreadsheet"),
    "lead": (
        "สำหรับผู้ดูแลข้อมูล: อัปโหลดไฟล์ XLSX หรือ CSV ตามแม่แบบ (thaiplan template) ระบบตรวจทุกช่อง "
        "แสดงรายการที่จะเปลี่ยน แล้วจึงบันทึกและสร้างกราฟใหม่เมื่อยืนยัน",
        "For data stewards: upload an XLSX or CSV file in the template's format (thaiplan template). Every "
        "cell is checked and the changes are shown; nothing is written until you confirm.",
    ),
    "token": ("รหัสผ่านสำหรับนำเข้า (import token)", "Import token"),
    "file": ("ไฟล์ (XLSX หรือ CSV)", "File (XLSX or CSV)"),
    "kind": ("ประเภทข้อมูล", "Kind"),
    "kind_auto": ("อนุมานจากไฟล์", "Infer from the file"),
    "by": ("ผู้นำเข้า (ชื่อของท่าน)", "Imported by (your name)"),
    "check": ("ตรวจสอบไฟล์", "Check the file"),
    "limit": ("ขนาดไม่เกิน {n} ไบต์", "At most {n} bytes"),
    "problems_title": ("ไฟล์มีปัญหา: ยังไม่มีการบันทึกข้อมูล", "The file has problems: nothing was written"),
    "problems_lead": (
        "แก้ไขช่องต่อไปนี้ในไฟล์ แล้วอัปโหลดใหม่",
        "Correct these cells in the file, then upload it again.",
    ),
    "col_file": ("ไฟล์", "File"),
    "col_sheet": ("แผ่นงาน", "Sheet"),
    "col_row": ("แถว", "Row"),
    "col_column": ("คอลัมน์", "Column"),
    "col_value": ("ค่า", "Value"),
    "col_message": ("ปัญหา", "Problem"),
    "preview_title": ("รายการที่จะเปลี่ยนแปลง", "What would change"),
    "preview_lead": (
        "ไฟล์ {name} ({kind}) ผ่านการตรวจทุกช่อง จะบันทึกเป็น {target} ตรวจรายการด้านล่าง แล้วยืนยัน",
        "{name} ({kind}) passed every check and would be written as {target}. Read the changes, then "
        "confirm.",
    ),
    "sha": ("SHA-256 ของไฟล์", "The file's SHA-256"),
    "summary": ("เพิ่ม {a} · แก้ไข {c} · ลบ {r}", "{a} added · {c} changed · {r} removed"),
    "no_changes": ("ไม่มีสิ่งใดเปลี่ยน: ข้อมูลนี้อยู่ในกราฟแล้ว", "Nothing changes: the graph already holds this"),
    "op_added": ("เพิ่ม", "added"),
    "op_changed": ("แก้ไข", "changed"),
    "op_removed": ("ลบ", "removed"),
    "col_change": ("การเปลี่ยนแปลง", "Change"),
    "col_entity": ("รายการ", "Entity"),
    "col_property": ("คุณสมบัติ", "Property"),
    "col_old": ("ค่าเดิม", "Old"),
    "col_new": ("ค่าใหม่", "New"),
    "confirm": ("ยืนยันและนำเข้า", "Confirm and import"),
    "confirm_lead": (
        "ใส่รหัสผ่านอีกครั้งเพื่อยืนยัน ระบบจะบันทึกไฟล์ สร้างกราฟใหม่ แล้วสลับไปใช้ ระหว่างนี้ยังให้บริการกราฟเดิม",
        "Enter the token again to confirm: the server writes the import, rebuilds the graph and switches to "
        "it; the current graph is served until then.",
    ),
    "done_title": ("นำเข้าเรียบร้อย", "Imported"),
    "done_lead": (
        "บันทึก {name} แล้ว และกราฟชุดใหม่ ({snapshot}) ให้บริการแล้ว",
        "{name} was written and the new graph ({snapshot}) is being served.",
    ),
    "another": ("นำเข้าไฟล์อื่น", "Import another file"),
    "token_missing": (
        "ต้องระบุรหัสผ่านสำหรับนำเข้า (ช่องรหัสผ่าน หรือส่วนหัว Authorization: Bearer)",
        "The import token is required (the token field, or an Authorization: Bearer header).",
    ),
    "token_wrong": ("รหัสผ่านสำหรับนำเข้าไม่ถูกต้อง", "The import token is wrong."),
    "no_file": ("กรุณาเลือกไฟล์ XLSX หรือ CSV", "Choose an XLSX or CSV file to upload."),
    "bad_suffix": (
        "{name}: ไม่ใช่ไฟล์ที่ระบบอ่านได้ (ต้องเป็น .xlsx หรือ .csv)",
        "{name}: not a spreadsheet thaiplan reads (.xlsx or .csv).",
    ),
    "empty_file": ("{name}: ไฟล์ว่าง", "{name}: the file is empty."),
    "bad_kind": ("ไม่รู้จักประเภท {kind} (ใช้ได้: {kinds})", "Unknown kind {kind} (one of: {kinds})."),
    "too_large": ("ไฟล์ใหญ่เกิน {n} ไบต์", "The upload is larger than the limit of {n} bytes."),
    "busy": (
        "มีการตรวจไฟล์อื่นอยู่ กรุณาลองใหม่ในอีกสักครู่",
        "Other files are being checked; try again in a minute.",
    ),
    "bad_confirm": (
        "คำยืนยันไม่ครบถ้วน กรุณาอัปโหลดไฟล์ใหม่",
        "The confirmation is incomplete; upload the file again.",
    ),
    "unknown_upload": (
        "ไม่พบไฟล์ที่ตรวจไว้ (หมดเวลา หรือนำเข้าไปแล้ว) กรุณาอัปโหลดใหม่",
        "That upload is gone (it expired or was already imported); upload the file again.",
    ),
    "not_the_preview": (
        "ไฟล์ที่ยืนยันไม่ใช่ไฟล์ที่ตรวจไว้ (SHA-256 ไม่ตรงกัน) ไม่มีการบันทึกข้อมูล",
        "The confirmed file is not the previewed one (its SHA-256 differs); nothing was written.",
    ),
    "apply_running": (
        "กำลังนำเข้าไฟล์อื่นอยู่ กรุณารอให้เสร็จแล้วยืนยันอีกครั้ง",
        "Another import is being applied; confirm again when it has finished.",
    ),
    "data_changed": (
        "ข้อมูลในกราฟเปลี่ยนไปหลังการตรวจ กรุณาอัปโหลดไฟล์ใหม่เพื่อดูรายการเปลี่ยนแปลงล่าสุด ไม่มีการบันทึกข้อมูล",
        "The curated data changed since this preview; upload the file again to see the changes it would "
        "make now. Nothing was written.",
    ),
    "job_failed": (
        "ตรวจไฟล์ไม่สำเร็จ (รายละเอียดอยู่ในบันทึกของเซิร์ฟเวอร์)",
        "The file could not be checked; the details are in the server's log.",
    ),
    "rebuild_failed": (
        "สร้างกราฟใหม่ไม่สำเร็จ: ยังให้บริการกราฟเดิม และไฟล์ข้อมูลคงเดิม (รายละเอียดอยู่ในบันทึกของเซิร์ฟเวอร์)",
        "The rebuild failed: the current graph is still served and the data files are as they were (the "
        "details are in the server's log).",
    ),
}


def s(key: str) -> str:
    """The page's word `key` in the interface language."""
    th, en = WORDS[key]
    return th if i18n.ui_lang() == "th" else en


# An RDF term as the importer's change list writes it (N3): a literal (with its language or datatype),
# an IRI in brackets, or ∅ for none; a literal may itself hold ", " or " → ".
_TERM = re.compile(r'"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?|<[^>]*>|∅|[^\s,]+')


def _terms(text: str, start: int, stop: str) -> tuple[list[str], int] | None:
    """The terms from `start` separated by ", " up to `stop` (or the end); None when they do not parse."""
    out, at = [], start
    while True:
        match = _TERM.match(text, at)
        if match is None:
            return None
        out.append(match.group(0))
        at = match.end()
        if text.startswith(", ", at):
            at += 2
            continue
        if (stop and text.startswith(stop, at)) or (not stop and at == len(text)):
            return out, at
        return None


def split_change(line: str) -> tuple[str, str, str]:
    """One "predicate: old → new" line of the change list as its three parts (the line whole if unread)."""
    predicate, sep, rest = line.partition(": ")
    if sep:
        olds = _terms(rest, 0, " → ")
        if olds is not None:
            news = _terms(rest, olds[1] + 3, "")
            if news is not None:
                return predicate, ", ".join(olds[0]), ", ".join(news[0])
    return line, "", ""


def change_rows(changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The entities added, changed (with each property's old and new values) and removed, as table rows."""
    rows: list[dict[str, Any]] = [
        {"op": "added", "iri": iri, "details": []} for iri in changes.get("added", [])
    ]
    for iri, lines in changes.get("changed", {}).items():
        rows.append({"op": "changed", "iri": iri, "details": [split_change(line) for line in lines]})
    rows += [{"op": "removed", "iri": iri, "details": []} for iri in changes.get("removed", [])]
    return rows
