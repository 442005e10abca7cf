"""The agencies of the synthetic graph: ministries, departments under them, local administrations, and the
synthetic source documents that name them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from thaiplan.graph.synth import words as W
from thaiplan.graph.synth.base import Block, GeneratorBase
from thaiplan.graph.synth.terms import V, lit, lit_en, lit_th


@dataclass(frozen=True)
class Agency:
    """A generated agency: its IRI (N-Triples) and names."""

    node: str
    th: str
    en: str
    abbr: str
    place_th: str = ""
    place_en: str = ""


class AgencyBlocks(GeneratorBase):
    """The agency blocks of a Generator."""

    ministries: list[Agency]
    departments: list[Agency]
    department_ministry: list[int]
    locals: list[Agency]
    ministry_fields: list[tuple[str, str]]

    def agencies(self) -> Iterator[Block]:
        """Ministries, departments under them and local administrations under departments."""
        source = self.node("source", "agencies")
        self.make_ministries()
        self.make_departments()
        self.make_locals()
        yield self.source_block(
            source,
            "ทำเนียบหน่วยงานภาครัฐ (ข้อมูลสังเคราะห์)",
            "Directory of government agencies (synthetic)",
            self.ministries[0].node,
            "agencies",
        )
        for agency in self.ministries:
            yield from self.agency_blocks(agency, [(V.type, V.Ministry), (V.type, V.Agency)], source)
        for agency, ministry in zip(self.departments, self.department_ministry, strict=True):
            parent = self.ministries[ministry].node
            yield from self.agency_blocks(agency, [(V.type, V.Agency), (V.sub_org, parent)], source)
        for agency in self.locals:
            parent = self.departments[self.below(len(self.departments))].node
            yield from self.agency_blocks(agency, [(V.type, V.Agency), (V.sub_org, parent)], source)

    def agency_blocks(self, agency: Agency, head: list[tuple[str, str]], source: str) -> Iterator[Block]:
        """One agency (types, names, parent) and the passage of the directory that names it."""
        key = agency.node.rsplit("/", 1)[1][:-1]
        passage, passage_block = self.passage(f"agency-{key}", f"{agency.th} ({agency.abbr})", source)
        yield (
            agency.node,
            [
                *head,
                (V.pref, lit_th(agency.th)),
                (V.pref, lit_en(agency.en)),
                (V.alt, lit_th(agency.abbr)),
                (V.derived, passage),
            ],
        )
        yield passage_block

    def make_ministries(self) -> None:
        """Ministries: "กระทรวง" + a field, abbreviated "ก" + the field's initial + "." + number."""
        fields = self.shuffled(W.FIELDS)
        self.ministry_fields = fields
        for i in range(self.shape.ministries):
            th, en = fields[i]
            key = f"m{i + 1:02d}"
            abbr = f"ก{W.initials(th)}.{i + 1}"
            self.ministries.append(
                Agency(self.node("agency", key), f"กระทรวง{th}", f"Ministry of {en}", abbr)
            )

    def make_departments(self) -> None:
        """Departments: "กรม" + an action + a field, under the ministry of that field when there is one."""
        combos = self.shuffled(
            [(a, f) for f in range(len(W.FIELDS)) for a in range(len(W.DEPARTMENT_ACTIONS))]
        )
        field_of_ministry = {W.FIELDS.index(self.ministry_fields[i]): i for i in range(self.shape.ministries)}
        width = max(4, len(str(self.shape.departments)))
        for j in range(self.shape.departments):
            action, field = combos[j % len(combos)]
            round_ = j // len(combos)
            (a_th, a_en), (f_th, f_en) = W.DEPARTMENT_ACTIONS[action], W.FIELDS[field]
            th, en = f"กรม{a_th}{f_th}", f"Department of {f_en} {a_en}"
            if round_:
                th, en = f"{th} เขต {round_ + 1}", f"{en}, Region {round_ + 1}"
            abbr = f"ก{W.initials(a_th)}{W.initials(f_th)}.{j + 1}"
            self.departments.append(Agency(self.node("agency", f"d{j + 1:0{width}d}"), th, en, abbr))
            self.department_ministry.append(field_of_ministry.get(field, field % self.shape.ministries))

    def make_locals(self) -> None:
        """Local administrations: a kind (weighted like the real shares) + a unique place name."""
        first, middle, last = (self.shuffled(t) for t in (W.PLACE_FIRST, W.PLACE_MIDDLE, W.PLACE_LAST))
        weights = [kind[3] for kind in W.LOCAL_KINDS]
        total = sum(weights)
        width = max(6, len(str(self.shape.locals)))
        n1, n2, n3 = len(first), len(middle), len(last)
        for k in range(self.shape.locals):
            a, b, c, round_ = k % n1, (k // n1) % n2, (k // (n1 * n2)) % n3, k // (n1 * n2 * n3)
            place_th = first[a][0] + middle[b][0] + last[c][0]
            place_en = " ".join(part for part in (first[a][1], middle[b][1], last[c][1]) if part)
            if round_:
                place_th, place_en = f"{place_th} {round_ + 1}", f"{place_en} {round_ + 1}"
            draw, index = self.rng.random() * total, 0
            while draw >= weights[index]:
                draw -= weights[index]
                index += 1
            kind_th, kind_en, kind_abbr, _ = W.LOCAL_KINDS[index]
            node = self.node("agency", f"l{k + 1:0{width}d}")
            self.locals.append(
                Agency(
                    node,
                    kind_th + place_th,
                    f"{place_en} {kind_en}",
                    kind_abbr + place_th,
                    place_th,
                    place_en,
                )
            )

    def source_block(self, node: str, th: str, en: str, publisher: str, key: str) -> Block:
        """A synthetic source document: names, title, publisher, and a comment saying it does not exist."""
        return (
            node,
            [
                (V.type, V.SourceDocument),
                (V.pref, lit_th(th)),
                (V.pref, lit_en(en)),
                (V.title, lit_th(th)),
                (V.publisher, publisher),
                (
                    V.comment,
                    lit_en(
                        "Synthetic document generated by thaiplan synth: it has no text, so quotes from it "
                        "are not checked."
                    ),
                ),
                (V.identifier, lit(f"synth-{key}-seed-{self.sizes.seed}")),
            ],
        )
