"""The pages' interface language (Thai or English), its strings, labels and years.

The interface language is the reader's choice, independent of the language of the data: `?lang=th|en`
sets it (and a cookie keeps it), else the cookie, else the browser's Accept-Language. Labels are shown in
the interface language when the graph has one, else in the other. Years are Buddhist Era in Thai
(พ.ศ. 2567) and Common Era in English (2024). `STRINGS` is the server's one translation table (issue 14:
the report, the downloads, the source reader and the `/import` page kept their own before): code and
templates read it with `t`; a new page adds its keys here, prefixed with the page's name when they are its
own (`import_…`).

Over 400 lines because the one table is here: about 330 lines of Thai and English strings, data rather
than code (the functions are under 100 lines), kept in one module so that no page keeps a table of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request

LANGS = ("th", "en")
COOKIE = "lang"
BE_OFFSET = 543

# key: (Thai, English), by page; every key a template or module asks for is here
# (tests/test_server_layout_issue14.py).
STRINGS: dict[str, tuple[str, str]] = {
    # key: (Thai, English)
    "site": ("แผนยุทธศาสตร์ภาครัฐไทย", "Thai public-sector plans"),
    "home": ("หน้าแรก", "Home"),
    "search": ("ค้นหา", "Search"),
    "search_placeholder": ("คำ รหัส หรือชื่อย่อ เช่น ยืนยันตัวตน, BR0201, ก.พ.ร.", "Words, a code or an abbreviation"),
    "gaps": ("สิ่งที่ยังขาด", "Gaps"),
    "validation": ("รายงานการตรวจสอบข้อมูล", "Validation report"),
    "ontology": ("คำศัพท์ (ออนโทโลยี)", "Ontology"),
    "api": ("API คำค้นสำเร็จรูป", "Named queries API"),
    "sparql": ("SPARQL", "SPARQL"),
    "switch_lang": ("English", "ภาษาไทย"),
    "home_title": ("ลำดับชั้นของแผน จากยุทธศาสตร์ชาติ", "The plan hierarchy, from the National Strategy down"),
    "home_lead": (
        "แผน ยุทธศาสตร์ เป้าหมาย กลยุทธ์ แนวทาง กิจกรรมปฏิรูป และโครงการ ที่สนับสนุนยุทธศาสตร์ชาติ "
        "เลือกรายการเพื่อดูรายละเอียดหรือเส้นทางการสนับสนุน",
        "Plans, strategies, goals, tactics, guidelines, reform activities and projects that support the "
        "National Strategy. Choose an item to see its details or trace what it supports.",
    ),
    "trace": ("เส้นทางการสนับสนุน", "Trace"),
    "trace_title": ("เส้นทางการสนับสนุนของ", "Trace of"),
    "supports": ("สิ่งที่สนับสนุน (ขึ้นไปถึงยุทธศาสตร์ชาติ)", "What it supports (up to the National Strategy)"),
    "supported_by": (
        "สิ่งที่สนับสนุนรายการนี้ (ลงไปถึงกิจกรรมและโครงการ)",
        "What supports it (down to activities and projects)",
    ),
    "diagram": ("แผนภาพ", "Diagram"),
    "table": ("ตาราง", "Table"),
    "depth": ("ระดับ", "Steps"),
    "item": ("รายการ", "Item"),
    "type": ("ประเภท", "Type"),
    "code": ("รหัส", "Code"),
    "via": ("ผ่าน", "Via"),
    "relation": ("ความสัมพันธ์", "Link"),
    "agencies": ("หน่วยงานรับผิดชอบ", "Responsible agencies"),
    "agency": ("หน่วยงาน", "Agency"),
    "role_lead": ("หน่วยงานหลัก", "lead"),
    "role_co-responsible": ("หน่วยงานร่วม", "co-responsible"),
    "role_responsible": ("หน่วยงานรับผิดชอบ", "responsible"),
    "rel_supports": ("สนับสนุน", "supports"),
    "rel_partOf": ("เป็นส่วนหนึ่งของ", "part of"),
    "level_inferred": ("อนุมาน", "inferred"),  # an alignment no sentence states (issue 15)
    "nothing": ("ไม่มี", "None"),
    "portfolio": ("งานที่รับผิดชอบ จำแนกตามแผน", "What it leads or shares, by plan"),
    "parents": ("สังกัด", "Part of (parent organizations)"),
    "subs": ("หน่วยงานในสังกัด", "Sub-organizations"),
    "role": ("บทบาท", "Role"),
    "no_plan": ("ไม่ระบุแผน", "No plan"),
    "indicator": ("ตัวชี้วัด", "Indicator"),
    "indicator_title": ("ตัวชี้วัด: ค่าเป้าหมายและผลการดำเนินงาน", "Indicator: targets and observed values"),
    "indicator_prompt": ("ชื่อหรือคำในชื่อตัวชี้วัด", "A word of the indicator's name"),
    "year": ("ปี", "Year"),
    "target": ("ค่าเป้าหมาย", "Target"),
    "observed": ("ผลที่เกิดขึ้นจริง", "Observed"),
    "status": ("สถานะ", "Status"),
    "met": ("บรรลุเป้าหมาย", "Met"),
    "met_yes": ("บรรลุ", "met"),
    "met_no": ("ไม่บรรลุ", "not met"),
    "met_unknown": ("ไม่อาจเทียบได้", "not comparable"),
    "used_by": ("ใช้ในแผน/เป้าหมาย", "Used by (goal and plan)"),
    "compare": ("เปรียบเทียบตัวชี้วัดเดียวกันในหลายแผน", "The same indicator across plans"),
    "chart_note": ("เส้นประ: ค่าเป้าหมาย · เส้นทึบ: ผลที่เกิดขึ้นจริง", "Dashed: target · solid: observed"),
    "no_numbers": ("ไม่มีค่าตัวเลขพอจะวาดกราฟ", "No numeric values to chart"),
    "results_for": ("ผลการค้นหา", "Results for"),
    "no_results": ("ไม่พบรายการที่ตรงกัน", "Nothing matches"),
    "score": ("คะแนน", "Score"),
    "match": ("ตรงกันที่", "Match"),
    # What a search result matched, in the reader's words (issue 20: not the query's tier names).
    "match_code": ("ตรงกับรหัส", "the code"),
    "match_label": ("ตรงกับชื่อ", "the name"),
    "match_abbreviation": ("ตรงกับชื่อย่อ", "the abbreviation"),
    "match_prefix": ("ชื่อหรือรหัสขึ้นต้นด้วยคำนี้", "a name or code starting so"),
    "match_label words": ("ทุกคำอยู่ในชื่อ", "every word in the name"),
    "match_words": ("ทุกคำอยู่ในชื่อหรือคำอธิบาย", "every word in the name or description"),
    "match_substring": ("บางส่วนของชื่อหรือรหัส", "part of a name or code"),
    "gaps_title": ("สิ่งที่ยังขาด: รายการที่ควรเติมให้ครบ", "Gaps: the planner's to-do list"),
    "gap_unsupported": (
        "เป้าหมาย ยุทธศาสตร์ กลยุทธ์ ที่ยังไม่มีสิ่งใดสนับสนุน",
        "Goals, strategies and tactics nothing supports",
    ),
    "gap_no-target": ("ตัวชี้วัดที่ไม่มีค่าเป้าหมาย", "Indicators without a target"),
    "gap_no-observation": ("ตัวชี้วัดที่ไม่มีผลการดำเนินงาน", "Indicators without any observation"),
    "gap_no-responsible-agency": (
        "กิจกรรมและโครงการที่ไม่มีหน่วยงานรับผิดชอบ",
        "Activities and projects without a responsible agency",
    ),
    "all_plans": ("ทุกแผน", "All plans"),
    "plan": ("แผน", "Plan"),
    "show": ("แสดง", "Show"),
    "labels": ("ชื่อ", "Names"),
    "properties": ("คุณสมบัติ", "Properties"),
    "incoming": ("รายการที่อ้างถึง", "Referred to by"),
    "provenance": ("ที่มา (ข้อความจากเอกสาร)", "Provenance (quoted from the source)"),
    "source": ("เอกสารต้นทาง", "Source document"),
    "path_up": ("เส้นทางขึ้นไปถึงยุทธศาสตร์ชาติ", "Path up to the National Strategy"),
    "download": ("ดาวน์โหลดข้อมูล", "Download as"),
    "open_trace": ("ดูเส้นทางการสนับสนุน", "Trace what it supports"),
    "open_agency": ("ดูงานของหน่วยงาน", "Agency portfolio"),
    "open_indicator": ("ดูกราฟตัวชี้วัด", "Indicator chart"),
    "open_resource": ("ดูรายละเอียด", "Details"),
    "choose": ("คำนี้ตรงกับหลายรายการ โปรดเลือก", "This names more than one entity; choose one"),
    "not_found": ("ไม่พบ", "Not found"),
    "not_found_msg": ("ไม่มีข้อมูลเกี่ยวกับ", "The graph says nothing about"),
    "bad_request": ("คำขอไม่ถูกต้อง", "Bad request"),
    "unavailable": ("ระบบไม่พร้อมให้บริการชั่วคราว", "Temporarily unavailable"),
    "more": ("และอีก", "and"),
    "items": ("รายการ", "more"),
    "api_title": ("คำค้นสำเร็จรูป (Named queries)", "Named queries"),
    "param": ("พารามิเตอร์", "Parameters"),
    "required": ("จำเป็น", "required"),
    "example": ("ตัวอย่าง", "Example"),
    # Values with their units, and targets as phrases (issue 20: no "N" left from a comparator's name).
    "qty_percent": ("ร้อยละ {n}", "{n} percent"),
    "qty_rank": ("อันดับที่ {n}", "rank {n}"),
    "qty_score": ("{n} คะแนน", "{n} points"),
    "qty_count": ("{n}", "{n}"),
    "cmp_atLeast": ("ไม่น้อยกว่า {n}", "at least {n}"),
    "cmp_atMost": ("ไม่เกิน {n}", "at most {n}"),
    "cmp_exactly": ("เท่ากับ {n}", "exactly {n}"),
    "cmp_topRank": ("อยู่ใน {n} อันดับแรก", "within the top {n}"),
    "axis_rank": ("อันดับ (1 = ดีที่สุด)", "rank (1 = best)"),
    "axis_value": ("ค่า", "value"),
    "breakdown": ("จำแนกย่อยของ", "Breakdown of"),
    "open_passage": ("ดูข้อความอ้างอิง", "the passage"),
    "back_to_app": ("← กลับสู่หน้าแผน", "← Back to the plans"),
    "indicators": ("ตัวชี้วัดทั้งหมด", "Indicators"),
    "indicators_lead": (
        "ตัวชี้วัดของทุกแผน จำแนกตามแผน พร้อมจำนวนค่าเป้าหมายและผลการดำเนินงานที่มีข้อมูล",
        "Every indicator of the plans, by plan, with how many targets and observed values it has.",
    ),
    "agencies_index": ("หน่วยงานทั้งหมด", "Agencies"),
    "agencies_lead": (
        "หน่วยงานที่แผนระบุให้รับผิดชอบ เรียงตามจำนวนรายการที่รับผิดชอบ",
        "The agencies the plans name, by the number of plan items they are responsible for.",
    ),
    "abbreviation": ("ชื่อย่อ", "Abbreviation"),
    "items_named": ("รายการที่รับผิดชอบ", "Items"),
    "api_lead": (
        "คำค้นสำเร็จรูปตอบคำถามที่พบบ่อยผ่าน HTTP GET ระบุพารามิเตอร์เป็นรหัส ชื่อ หรือชื่อย่อได้ "
        "ผลลัพธ์เป็น SPARQL JSON, XML, CSV หรือ TSV ตามส่วนหัว Accept หรือพารามิเตอร์ format",
        "Named queries answer the common questions over HTTP GET. Parameters take a code, a name or an "
        "abbreviation; answers come as SPARQL JSON, XML, CSV or TSV by the Accept header or `format=`.",
    ),
    "api_list_json": ("รายการคำค้นในรูป JSON", "the list as JSON"),
    "format": ("รูปแบบ", "Format"),
    "try_it": ("ทดลองเรียก", "Try it"),
    "yes": ("ใช่", "yes"),
    "no": ("ไม่", "no"),
    # Error messages of the pages (issue 20: they stayed English in the Thai interface).
    "err_required": ("ต้องระบุ{what}", "parameter '{param}': required ({what})"),
    "what_entity": ("รหัส IRI หรือชื่อของรายการ", "a code, IRI or label"),
    "what_agency": ("ชื่อย่อ ชื่อ หรือ IRI ของหน่วยงาน", "an abbreviation, name or IRI"),
    "err_unresolved": (
        "ไม่พบรายการที่มีรหัส ชื่อ ชื่อย่อ หรือ IRI “{text}”",
        "nothing has the code, label, abbreviation or IRI “{text}”",
    ),
    "err_ambiguous": (
        "“{text}” ตรงกับ {n} รายการ โปรดเลือกรายการด้านล่าง หรือระบุรหัสหรือ IRI",
        "“{text}” names {n} entities; choose one or give a code or an IRI",
    ),
    "err_parameter": ("ค่าที่ระบุไม่ถูกต้อง (พารามิเตอร์ {param}) — {detail}", "{detail}"),
    "err_unavailable": (
        "ระบบไม่สามารถตอบคำขอนี้ได้ในขณะนี้ โปรดลองใหม่อีกครั้งในภายหลัง",
        "The server cannot answer this now; try again later.",
    ),
    "err_query": ("คำขอไม่ถูกต้อง — {detail}", "{detail}"),
    "shown_elsewhere": ("↗ รายละเอียดแสดงไว้อีกตำแหน่งหนึ่ง", "↗ shown in full elsewhere in the tree"),
    "value": ("ค่า", "Value"),
    # the progress report (issue 17)
    "report": ("รายงานความก้าวหน้า", "Progress report"),
    "goals": ("เป้าหมายและผลสัมฤทธิ์ที่พึงประสงค์", "Goals and desired outcomes"),
    "summary": ("สรุปการบรรลุเป้าหมาย", "Summary of achievement"),
    "work": ("กิจกรรม โครงการ และความก้าวหน้า", "Activities, projects and progress"),
    "progress": ("ความก้าวหน้า", "Progress"),
    "figures": ("ตัวเลขและหมุดหมาย", "Figures and milestones"),
    "lead": ("หน่วยงานหลัก", "Lead agencies"),
    "sources": ("แหล่งที่มา", "Sources"),
    "period": ("ระยะเวลา", "Period"),
    "result": ("ผลการดำเนินงาน", "Result"),
    "goal": ("เป้าหมาย", "Goal"),
    "legend": ("สีสถานะ", "Status colours"),
    "pdf": ("ดาวน์โหลด PDF", "Download PDF"),
    "print": ("พิมพ์", "Print"),
    "generated": ("จัดทำจากกราฟความรู้ thaiplan", "Made from the thaiplan knowledge graph"),
    "no_figures": ("ไม่มีค่าเป้าหมายหรือผลการดำเนินงาน", "No targets or results"),
    "unknown_plan": ("ไม่มีแผนที่ชื่อ", "There is no plan"),
    "source_doc": ("เอกสาร", "Document"),
    "quarter": ("ไตรมาส", "quarter"),
    "fiscal_year": ("ปีงบประมาณ", "fiscal year"),
    "rated_on": ("ผลที่ใช้ประเมิน", "result rated"),
    "milestones": ("ผลสำเร็จ", "Milestones"),
    # the downloads' headers and names (issue 17)
    "year_be": ("ปี (พ.ศ.)", "Year (B.E.)"),
    "year_ce": ("ปี (ค.ศ.)", "Year (CE)"),
    "start_be": ("ปีเริ่ม (พ.ศ.)", "Start year (B.E.)"),
    "start_ce": ("ปีเริ่ม (ค.ศ.)", "Start year (CE)"),
    "name": ("ชื่อ", "Name"),
    "iri": ("IRI", "IRI"),
    "comparator": ("เงื่อนไข", "Comparator"),
    "target_text": ("ค่าเป้าหมายตามเอกสาร", "Target as written"),
    "unit": ("หน่วย", "Unit"),
    "gap": ("ประเภทที่ยังขาด", "Gap"),
    "rank": ("ลำดับ", "Rank"),
    "up_sheet": ("สิ่งที่สนับสนุน", "What it supports"),
    "down_sheet": ("สิ่งที่สนับสนุนรายการนี้", "What supports it"),
    "xlsx": ("Excel (XLSX)", "Excel (XLSX)"),
    "csv": ("CSV", "CSV"),
    # the source reader (issue 17)
    "reader": ("เอกสารต้นทางและข้อเท็จจริงที่อ้างถึง", "Source document and the facts it backs"),
    "coverage": ("ความครอบคลุม", "Coverage"),
    "coverage_note": (
        "สัดส่วนประโยคที่มีข้อเท็จจริงอย่างน้อยหนึ่งรายการอ้างถึง",
        "Share of sentences cited by at least one fact",
    ),
    "section": ("ส่วน", "Section"),
    "sentences": ("ประโยค", "Sentences"),
    "covered": ("มีการอ้างถึง", "Cited"),
    "start": ("ตอนต้นเอกสาร", "Start of the document"),
    "passages": ("ข้อความที่อ้างถึง", "Cited passages"),
    "facts": ("ข้อเท็จจริงที่ได้จากข้อความนี้", "Facts derived from it"),
    "no_facts": ("ยังไม่มีข้อเท็จจริงอ้างถึง", "No fact cites it yet"),
    "not_found_text": ("ไม่พบข้อความนี้ในเอกสาร", "Not found in the text"),
    "legend_passage": ("ข้อความที่มีข้อเท็จจริงอ้างถึง", "passage a fact cites"),
    "legend_uncovered": ("ประโยคที่ยังไม่มีการอ้างถึง", "sentence no fact cites"),
    "unknown_doc": ("ไม่มีเอกสารต้นทางชื่อ", "There is no source document"),
    "text": ("ข้อความ (ปรับให้เป็นมาตรฐานแล้ว)", "Text (normalized)"),
    # the stewards' /import page (issue 16)
    "import_title": ("นำเข้าข้อมูลจากตารางคำนวณ", "Import a spreadsheet"),
    "import_lead": (
        "สำหรับผู้ดูแลข้อมูล: อัปโหลดไฟล์ XLSX หรือ CSV ตามแม่แบบ (thaiplan template) ระบบตรวจทุกช่อง "
        "แสดงรายการที่จะเปลี่ยน แล้วจึงบันทึกและสร้างกราฟใหม่เมื่อยืนยัน",
        "For data stewards: upload an XLSX or CSV file in the template's format (thaiplan template). Every "
        "cell is checked and the changes are shown; nothing is written until you confirm.",
    ),
    "import_token": ("รหัสผ่านสำหรับนำเข้า (import token)", "Import token"),
    "import_file": ("ไฟล์ (XLSX หรือ CSV)", "File (XLSX or CSV)"),
    "import_kind": ("ประเภทข้อมูล", "Kind"),
    "import_kind_auto": ("อนุมานจากไฟล์", "Infer from the file"),
    "import_by": ("ผู้นำเข้า (ชื่อของท่าน)", "Imported by (your name)"),
    "import_check": ("ตรวจสอบไฟล์", "Check the file"),
    "import_limit": ("ขนาดไม่เกิน {n} ไบต์", "At most {n} bytes"),
    "import_problems_title": ("ไฟล์มีปัญหา: ยังไม่มีการบันทึกข้อมูล", "The file has problems: nothing was written"),
    "import_problems_lead": (
        "แก้ไขช่องต่อไปนี้ในไฟล์ แล้วอัปโหลดใหม่",
        "Correct these cells in the file, then upload it again.",
    ),
    "import_problems_other": (
        "ปัญหาเดียวกันเป็นภาษาอังกฤษ",
        "The same problems in Thai",
    ),
    "import_col_file": ("ไฟล์", "File"),
    "import_col_sheet": ("แผ่นงาน", "Sheet"),
    "import_col_row": ("แถว", "Row"),
    "import_col_column": ("คอลัมน์", "Column"),
    "import_col_value": ("ค่า", "Value"),
    "import_col_message": ("ปัญหา", "Problem"),
    "import_preview_title": ("รายการที่จะเปลี่ยนแปลง", "What would change"),
    "import_preview_lead": (
        "ไฟล์ {name} ({kind}) ผ่านการตรวจทุกช่อง จะบันทึกเป็น {target} ตรวจรายการด้านล่าง แล้วยืนยัน",
        "{name} ({kind}) passed every check and would be written as {target}. Read the changes, then "
        "confirm.",
    ),
    "import_sha": ("SHA-256 ของไฟล์", "The file's SHA-256"),
    "import_summary": ("เพิ่ม {a} · แก้ไข {c} · ลบ {r}", "{a} added · {c} changed · {r} removed"),
    "import_no_changes": ("ไม่มีสิ่งใดเปลี่ยน: ข้อมูลนี้อยู่ในกราฟแล้ว", "Nothing changes: the graph already holds this"),
    "import_op_added": ("เพิ่ม", "added"),
    "import_op_changed": ("แก้ไข", "changed"),
    "import_op_removed": ("ลบ", "removed"),
    "import_col_change": ("การเปลี่ยนแปลง", "Change"),
    "import_col_entity": ("รายการ", "Entity"),
    "import_col_property": ("คุณสมบัติ", "Property"),
    "import_col_old": ("ค่าเดิม", "Old"),
    "import_col_new": ("ค่าใหม่", "New"),
    "import_confirm": ("ยืนยันและนำเข้า", "Confirm and import"),
    "import_confirm_lead": (
        "ใส่รหัสผ่านอีกครั้งเพื่อยืนยัน ระบบจะบันทึกไฟล์ สร้างกราฟใหม่ แล้วสลับไปใช้ ระหว่างนี้ยังให้บริการกราฟเดิม",
        "Enter the token again to confirm: the server writes the import, rebuilds the graph and switches to "
        "it; the current graph is served until then.",
    ),
    "import_done_title": ("นำเข้าเรียบร้อย", "Imported"),
    "import_done_lead": (
        "บันทึก {name} แล้ว และกราฟชุดใหม่ ({snapshot}) ให้บริการแล้ว",
        "{name} was written and the new graph ({snapshot}) is being served.",
    ),
    "import_another": ("นำเข้าไฟล์อื่น", "Import another file"),
    "import_token_missing": (
        "ต้องระบุรหัสผ่านสำหรับนำเข้า (ช่องรหัสผ่าน หรือส่วนหัว Authorization: Bearer)",
        "The import token is required (the token field, or an Authorization: Bearer header).",
    ),
    "import_token_wrong": ("รหัสผ่านสำหรับนำเข้าไม่ถูกต้อง", "The import token is wrong."),
    "import_no_file": ("กรุณาเลือกไฟล์ XLSX หรือ CSV", "Choose an XLSX or CSV file to upload."),
    "import_bad_suffix": (
        "{name}: ไม่ใช่ไฟล์ที่ระบบอ่านได้ (ต้องเป็น .xlsx หรือ .csv)",
        "{name}: not a spreadsheet thaiplan reads (.xlsx or .csv).",
    ),
    "import_empty_file": ("{name}: ไฟล์ว่าง", "{name}: the file is empty."),
    "import_bad_kind": ("ไม่รู้จักประเภท {kind} (ใช้ได้: {kinds})", "Unknown kind {kind} (one of: {kinds})."),
    "import_too_large": ("ไฟล์ใหญ่เกิน {n} ไบต์", "The upload is larger than the limit of {n} bytes."),
    "import_busy": (
        "มีการตรวจไฟล์อื่นอยู่ กรุณาลองใหม่ในอีกสักครู่",
        "Other files are being checked; try again in a minute.",
    ),
    "import_bad_confirm": (
        "คำยืนยันไม่ครบถ้วน กรุณาอัปโหลดไฟล์ใหม่",
        "The confirmation is incomplete; upload the file again.",
    ),
    "import_unknown_upload": (
        "ไม่พบไฟล์ที่ตรวจไว้ (หมดเวลา หรือนำเข้าไปแล้ว) กรุณาอัปโหลดใหม่",
        "That upload is gone (it expired or was already imported); upload the file again.",
    ),
    "import_not_the_preview": (
        "ไฟล์ที่ยืนยันไม่ใช่ไฟล์ที่ตรวจไว้ (SHA-256 ไม่ตรงกัน) ไม่มีการบันทึกข้อมูล",
        "The confirmed file is not the previewed one (its SHA-256 differs); nothing was written.",
    ),
    "import_apply_running": (
        "กำลังนำเข้าไฟล์อื่นอยู่ กรุณารอให้เสร็จแล้วยืนยันอีกครั้ง",
        "Another import is being applied; confirm again when it has finished.",
    ),
    "import_data_changed": (
        "ข้อมูลในกราฟเปลี่ยนไปหลังการตรวจ กรุณาอัปโหลดไฟล์ใหม่เพื่อดูรายการเปลี่ยนแปลงล่าสุด ไม่มีการบันทึกข้อมูล",
        "The curated data changed since this preview; upload the file again to see the changes it would "
        "make now. Nothing was written.",
    ),
    "import_job_failed": (
        "ตรวจไฟล์ไม่สำเร็จ (รายละเอียดอยู่ในบันทึกของเซิร์ฟเวอร์)",
        "The file could not be checked; the details are in the server's log.",
    ),
    "import_rebuild_failed": (
        "สร้างกราฟใหม่ไม่สำเร็จ: ยังให้บริการกราฟเดิม และไฟล์ข้อมูลคงเดิม (รายละเอียดอยู่ในบันทึกของเซิร์ฟเวอร์)",
        "The rebuild failed: the current graph is still served and the data files are as they were (the "
        "details are in the server's log).",
    ),
}


def init_app(app: Flask) -> None:
    """Choose the language for each request and keep a `?lang=` choice in a cookie."""
    app.before_request(_choose)
    app.after_request(_remember)


def template_helpers() -> dict[str, Any]:
    """The interface-language helpers the templates call (`label` is pagekit's, made display-safe)."""
    return {"t": t, "has_t": STRINGS.__contains__, "ui_lang": ui_lang, "year": year, "lang_href": lang_href}


def _choose() -> None:
    """The request's interface language: ?lang=, else the cookie, else Accept-Language, else Thai."""
    asked = request.args.get("lang", "")
    if asked in LANGS:
        g.ui_lang, g.ui_lang_asked = asked, True
        return
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGS:
        g.ui_lang = cookie
        return
    g.ui_lang = request.accept_languages.best_match(LANGS, default="th") or "th"


def _remember(response: Response) -> Response:
    """Store an explicit choice so that it holds on the next pages."""
    if g.get("ui_lang_asked"):
        response.set_cookie(COOKIE, g.ui_lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        response.vary.add("Cookie")
    elif response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def ui_lang() -> str:
    """The interface language of this request."""
    return g.get("ui_lang", "th")


def t(key: str) -> str:
    """The interface string `key` in the interface language."""
    th, en = STRINGS[key]
    return th if ui_lang() == "th" else en


def label(th: Any = None, en: Any = None, fallback: str = "") -> str:
    """The label in the interface language, else in the other one, else `fallback`."""
    first, second = (th, en) if ui_lang() == "th" else (en, th)
    for value in (first, second):
        text = getattr(value, "value", value)
        if text:
            return str(text)
    return fallback


def year(be: Any) -> str:
    """A year given in B.E.: `พ.ศ. 2567` in the Thai interface, `2024` in the English one."""
    try:
        value = int(str(getattr(be, "value", be)))
    except ValueError:
        return str(be)
    return f"พ.ศ. {value}" if ui_lang() == "th" else str(value - BE_OFFSET)


def short_year(be: Any) -> str:
    """A year given in B.E. as a bare number in the interface's era (chart axes)."""
    value = int(str(getattr(be, "value", be)))
    return str(value) if ui_lang() == "th" else str(value - BE_OFFSET)


def lang_href(lang: str, args: Mapping[str, str] | None = None) -> str:
    """This page's URL with `lang` set (the switch link)."""
    params = dict(request.args if args is None else args)
    params["lang"] = lang
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode(params)}"
