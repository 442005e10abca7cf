"""Word lists for the synthetic graph: Thai words with their English renderings, from which names are made.

Every entry is a (Thai, English) pair. No entry may hold a character that N-Triples or Turtle would have
to escape (quote, backslash, line break): the writers copy names into literals as they are, which is
what keeps `thaiplan synth` fast. tests/test_synth.py checks it.
"""

from __future__ import annotations

Pair = tuple[str, str]

# The National Strategy's six strategies: the Thai names as the strategy graph writes them, and the
# official English names of the Office of the National Strategy (field notes).
NS_STRATEGIES: tuple[Pair, ...] = (
    ("ยุทธศาสตร์ชาติด้านความมั่นคง", "Security"),
    ("ยุทธศาสตร์ชาติด้านการสร้างความสามารถในการแข่งขัน", "Competitiveness Enhancement"),
    ("ยุทธศาสตร์ชาติด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์", "Developing and Strengthening Human Capital"),
    ("ยุทธศาสตร์ชาติด้านการสร้างโอกาสและความเสมอภาคทางสังคม", "Social Cohesion and Equity"),
    (
        "ยุทธศาสตร์ชาติด้านการสร้างการเติบโตบนคุณภาพชีวิตที่เป็นมิตรต่อสิ่งแวดล้อม",
        "Eco-Friendly Development and Growth",
    ),
    ("ยุทธศาสตร์ชาติด้านการปรับสมดุลและพัฒนาระบบการบริหารจัดการภาครัฐ", "Public Sector Rebalancing and Development"),
)

# The 23 issues of the master plans under the National Strategy, each with the number (1-6) of the
# strategy it serves. Listed in the order the generator takes them, so that even a small graph with a
# few master plans covers all six strategies; each row: issue number, Thai, English, strategy number.
MASTER_PLAN_ISSUES: tuple[tuple[int, str, str, int], ...] = (
    (20, "การบริการประชาชนและประสิทธิภาพภาครัฐ", "Public Services and Public Sector Efficiency", 6),
    (4, "อุตสาหกรรมและบริการแห่งอนาคต", "Future Industries and Services", 2),
    (12, "การพัฒนาการเรียนรู้", "Learning Enhancement", 3),
    (17, "ความเสมอภาคและหลักประกันทางสังคม", "Social Equity and Security", 4),
    (18, "การเติบโตอย่างยั่งยืน", "Sustainable Growth", 5),
    (1, "ความมั่นคง", "Security", 1),
    (3, "การเกษตร", "Agriculture", 2),
    (21, "การต่อต้านการทุจริตและประพฤติมิชอบ", "Anti-Corruption", 6),
    (11, "การพัฒนาศักยภาพคนตลอดช่วงชีวิต", "Human Potential across the Life Course", 3),
    (16, "เศรษฐกิจฐานราก", "Grassroots Economy", 4),
    (19, "การบริหารจัดการน้ำทั้งระบบ", "Integrated Water Management", 5),
    (2, "การต่างประเทศ", "Foreign Affairs", 1),
    (5, "การท่องเที่ยว", "Tourism", 2),
    (22, "กฎหมายและกระบวนการยุติธรรม", "Law and the Justice Process", 6),
    (13, "การเสริมสร้างให้คนไทยมีสุขภาวะที่ดี", "Well-being of Thai People", 3),
    (15, "พลังทางสังคม", "Social Empowerment", 4),
    (6, "พื้นที่และเมืองน่าอยู่อัจฉริยะ", "Liveable Smart Areas and Cities", 2),
    (7, "โครงสร้างพื้นฐาน ระบบโลจิสติกส์ และดิจิทัล", "Infrastructure, Logistics and Digital", 2),
    (10, "การปรับเปลี่ยนค่านิยมและวัฒนธรรม", "Values and Culture", 3),
    (8, "ผู้ประกอบการและวิสาหกิจขนาดกลางและขนาดย่อมยุคใหม่", "New-Generation Entrepreneurs and SMEs", 2),
    (9, "เขตเศรษฐกิจพิเศษ", "Special Economic Zones", 2),
    (14, "ศักยภาพการกีฬา", "Sports Potential", 3),
    (23, "การวิจัยและพัฒนานวัตกรรม", "Research and Innovation", 2),
)

# Fields of government: a ministry is "กระทรวง" + a field, a department "กรม" + an action + a field.
FIELDS: tuple[Pair, ...] = (
    ("การเกษตร", "Agriculture"),
    ("การคลัง", "Finance"),
    ("การศึกษา", "Education"),
    ("สาธารณสุข", "Public Health"),
    ("คมนาคม", "Transport"),
    ("พลังงาน", "Energy"),
    ("พาณิชย์", "Commerce"),
    ("อุตสาหกรรม", "Industry"),
    ("แรงงาน", "Labour"),
    ("วัฒนธรรม", "Culture"),
    ("การท่องเที่ยว", "Tourism"),
    ("การกีฬา", "Sports"),
    ("ทรัพยากรธรรมชาติ", "Natural Resources"),
    ("สิ่งแวดล้อม", "Environment"),
    ("เศรษฐกิจดิจิทัล", "Digital Economy"),
    ("วิทยาศาสตร์", "Science"),
    ("การต่างประเทศ", "Foreign Affairs"),
    ("ยุติธรรม", "Justice"),
    ("การปกครอง", "Public Administration"),
    ("การพัฒนาสังคม", "Social Development"),
    ("ที่อยู่อาศัย", "Housing"),
    ("ทรัพยากรน้ำ", "Water Resources"),
    ("ป่าไม้", "Forestry"),
    ("ประมง", "Fisheries"),
    ("ปศุสัตว์", "Livestock"),
    ("ชลประทาน", "Irrigation"),
    ("ที่ดิน", "Land"),
    ("การค้าระหว่างประเทศ", "International Trade"),
    ("การประกันสังคม", "Social Security"),
    ("การจัดหางาน", "Employment"),
    ("ทางหลวง", "Highways"),
    ("การบิน", "Aviation"),
    ("สรรพากร", "Revenue"),
    ("ศุลกากร", "Customs"),
    ("สถิติ", "Statistics"),
    ("อุตุนิยมวิทยา", "Meteorology"),
    ("ทรัพย์สินทางปัญญา", "Intellectual Property"),
    ("การแพทย์", "Medical Services"),
    ("อนามัย", "Health"),
    ("การปกครองท้องถิ่น", "Local Administration"),
)

# What a department does for its field: "กรม" + action + field, "Department of <field> <action>".
DEPARTMENT_ACTIONS: tuple[Pair, ...] = (
    ("ส่งเสริม", "Promotion"),
    ("พัฒนา", "Development"),
    ("ควบคุม", "Control"),
    ("ป้องกัน", "Protection"),
    ("บริหาร", "Administration"),
    ("สนับสนุน", "Support"),
    ("กำกับดูแล", "Regulation"),
    ("ฟื้นฟู", "Rehabilitation"),
    ("อนุรักษ์", "Conservation"),
    ("วิจัย", "Research"),
)

# Local administrations: Thai form, English form, Thai abbreviation, weight (roughly the real shares of
# subdistrict organizations, subdistrict, town and city municipalities, provincial organizations).
LOCAL_KINDS: tuple[tuple[str, str, str, int], ...] = (
    ("องค์การบริหารส่วนตำบล", "Subdistrict Administrative Organization", "อบต.", 68),
    ("เทศบาลตำบล", "Subdistrict Municipality", "ทต.", 28),
    ("เทศบาลเมือง", "Town Municipality", "ทม.", 2),
    ("เทศบาลนคร", "City Municipality", "ทน.", 1),
    ("องค์การบริหารส่วนจังหวัด", "Provincial Administrative Organization", "อบจ.", 1),
)

# Place names: first, middle and last syllables (Thai, RTGS), 25 × 25 × 25 distinct names.
PLACE_FIRST: tuple[Pair, ...] = (
    ("นา", "Na"), ("บาง", "Bang"), ("หนอง", "Nong"), ("ดอน", "Don"), ("โคก", "Khok"),
    ("ห้วย", "Huai"), ("ท่า", "Tha"), ("วัง", "Wang"), ("ทุ่ง", "Thung"), ("เขา", "Khao"),
    ("ลำ", "Lam"), ("สระ", "Sa"), ("ป่า", "Pa"), ("คลอง", "Khlong"), ("บึง", "Bueng"),
    ("โนน", "Non"), ("แม่", "Mae"), ("ศรี", "Si"), ("ชัย", "Chai"), ("เมือง", "Mueang"),
    ("บ่อ", "Bo"), ("กุด", "Kut"), ("ไร่", "Rai"), ("สวน", "Suan"), ("เชียง", "Chiang"),
)  # fmt: skip
PLACE_MIDDLE: tuple[Pair, ...] = (
    ("ทอง", "Thong"), ("แก้ว", "Kaeo"), ("ใหม่", "Mai"), ("หลวง", "Luang"), ("งาม", "Ngam"),
    ("ยาง", "Yang"), ("ไผ่", "Phai"), ("ขาม", "Kham"), ("แดง", "Daeng"), ("เพชร", "Phet"),
    ("ทราย", "Sai"), ("หิน", "Hin"), ("สูง", "Sung"), ("กลาง", "Klang"), ("บัว", "Bua"),
    ("โพธิ์", "Pho"), ("ตาล", "Tan"), ("มะม่วง", "Mamuang"), ("จันทร์", "Chan"), ("เงิน", "Ngoen"),
    ("น้อย", "Noi"), ("ใหญ่", "Yai"), ("เตย", "Toei"), ("กระทุ่ม", "Krathum"), ("สะแก", "Sakae"),
)  # fmt: skip
PLACE_LAST: tuple[Pair, ...] = (
    ("", ""), ("เหนือ", "Nuea"), ("ใต้", "Tai"), ("พัฒนา", "Phatthana"), ("สามัคคี", "Samakkhi"),
    ("เจริญ", "Charoen"), ("สุข", "Suk"), ("ดี", "Di"), ("ชุม", "Chum"), ("ร่วมใจ", "Ruamchai"),
    ("สมบูรณ์", "Sombun"), ("สว่าง", "Sawang"), ("นิมิต", "Nimit"), ("ประสิทธิ์", "Prasit"),
    ("รุ่งเรือง", "Rungrueang"), ("อุดม", "Udom"), ("สำราญ", "Samran"), ("วิเศษ", "Wiset"),
    ("มงคล", "Mongkhon"), ("ราษฎร์", "Rat"), ("ธรรม", "Tham"), ("เกษม", "Kasem"), ("พร", "Phon"),
    ("ไทย", "Thai"), ("สถิตย์", "Sathit"),
)  # fmt: skip

# Project names: "โครงการ" + action + object + "ด้าน" + field.
PROJECT_ACTIONS: tuple[Pair, ...] = (
    ("พัฒนา", "develop"),
    ("ยกระดับ", "upgrade"),
    ("ส่งเสริม", "promote"),
    ("เพิ่มประสิทธิภาพ", "make more efficient"),
    ("ปรับปรุง", "improve"),
    ("ขยายผล", "scale up"),
    ("บูรณาการ", "integrate"),
    ("เสริมสร้าง", "strengthen"),
)
PROJECT_OBJECTS: tuple[Pair, ...] = (
    ("ระบบบริการดิจิทัล", "digital services"),
    ("ศูนย์บริการประชาชน", "public service centres"),
    ("ฐานข้อมูลกลาง", "central databases"),
    ("ทักษะดิจิทัลของบุคลากร", "staff digital skills"),
    ("ระบบติดตามและประเมินผล", "monitoring and evaluation systems"),
    ("การมีส่วนร่วมของประชาชน", "public participation"),
    ("ระบบงบประมาณ", "budgeting systems"),
    ("ความโปร่งใสในการจัดซื้อจัดจ้าง", "procurement transparency"),
    ("การเชื่อมโยงข้อมูลระหว่างหน่วยงาน", "data exchange between agencies"),
    ("ระบบอนุมัติอนุญาต", "permit and licensing systems"),
    ("โครงสร้างพื้นฐาน", "infrastructure"),
    ("เครือข่ายชุมชน", "community networks"),
)

# Indicator names, one family per unit.
SUBJECTS: tuple[Pair, ...] = (
    ("ประชาชน", "citizens"),
    ("ผู้ประกอบการ", "entrepreneurs"),
    ("เกษตรกร", "farmers"),
    ("นักเรียน", "students"),
    ("ผู้สูงอายุ", "older people"),
    ("หน่วยงานภาครัฐ", "government agencies"),
    ("ข้าราชการ", "civil servants"),
    ("ผู้ใช้บริการ", "service users"),
    ("วิสาหกิจชุมชน", "community enterprises"),
    ("แรงงาน", "workers"),
)
OUTCOMES: tuple[Pair, ...] = (
    ("เข้าถึงบริการดิจิทัล", "have access to digital services"),
    ("ได้รับบริการภายในเวลาที่กำหนด", "are served within the set time"),
    ("ผ่านการอบรม", "have completed training"),
    ("ใช้บริการผ่านระบบออนไลน์", "use online services"),
    ("ได้รับสวัสดิการครบถ้วน", "receive their full welfare"),
)
SERVICES: tuple[Pair, ...] = (
    ("บริการออนไลน์", "online services"),
    ("ศูนย์บริการร่วม", "one-stop service centres"),
    ("บริการของหน่วยงาน", "the agency's services"),
    ("ระบบร้องเรียน", "the complaints system"),
)
INDICES: tuple[Pair, ...] = (
    ("ดัชนีรัฐบาลอิเล็กทรอนิกส์", "the E-Government Development Index"),
    ("ดัชนีการรับรู้การทุจริต", "the Corruption Perceptions Index"),
    ("ดัชนีความสามารถในการแข่งขัน", "the World Competitiveness Ranking"),
    ("ดัชนีนวัตกรรมโลก", "the Global Innovation Index"),
)
COUNTED: tuple[Pair, ...] = (
    ("ระบบสารสนเทศที่แล้วเสร็จ", "information systems completed"),
    ("บริการที่เชื่อมโยงข้อมูล", "services with linked data"),
    ("กฎหมายที่ได้รับการปรับปรุง", "laws revised"),
    ("ชุดข้อมูลเปิด", "open data sets published"),
    ("ชุมชนที่เข้าร่วม", "communities taking part"),
)

# Abbreviations of synthetic ministries and departments carry digits (กก.1, กสก.17), which no real
# abbreviation in the register does, and those of local administrations a synthetic place name
# (อบต.นาทองเจริญ), so that a synthetic name never resolves to a real agency (tests/test_synth.py).
THAI_CONSONANTS = frozenset(chr(c) for c in range(0x0E01, 0x0E2F))


def all_words() -> list[str]:
    """Every Thai and English word the lists hold (for the escaping check)."""
    out: list[str] = []
    for table in (
        NS_STRATEGIES,
        FIELDS,
        DEPARTMENT_ACTIONS,
        PLACE_FIRST,
        PLACE_MIDDLE,
        PLACE_LAST,
        PROJECT_ACTIONS,
        PROJECT_OBJECTS,
        SUBJECTS,
        OUTCOMES,
        SERVICES,
        INDICES,
        COUNTED,
    ):
        for pair in table:
            out.extend(pair)
    for _, th, en, _ in MASTER_PLAN_ISSUES:
        out.extend((th, en))
    for th, en, abbr, _ in LOCAL_KINDS:
        out.extend((th, en, abbr))
    return out


def initials(thai: str) -> str:
    """The first consonant of a Thai word, skipping leading vowels (เ แ โ ใ ไ)."""
    for char in thai:
        if char in THAI_CONSONANTS:
            return char
    return "ก"
