"""Reference data: sectors, KBLI risk rules, document slots, regions, operators and deadlines.

The data lives in JSON files under `schemas/reference/` and is read on first use, never at
import. An official KBLI 2020 list can be loaded on top of the rule table so that valid codes
without a rule still get routed (to high-risk review by the sector of their division).
"""

import csv
import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator

from schemas.status import BusinessScale, RiskLevel

SUBCLASS_PATTERN = re.compile(r"^[0-9]{5}$")
KBLI_LIST_HINT = "KBLI 2020: https://oss.go.id"
SYNTHETIC_RULE_SOURCE = "not in rule table: high-risk review by division sector"


@dataclass(frozen=True)
class Sector:
    code: str
    name_id: str
    name_en: str


@dataclass(frozen=True)
class DocumentSlot:
    slot: str
    title_id: str
    title_en: str
    content_types: tuple[str, ...]
    max_bytes: int
    max_pixels: int


@dataclass(frozen=True)
class RiskRule:
    kbli: str
    title: str
    sector: str
    risk: dict[BusinessScale, RiskLevel]
    environmental_approval: bool
    extra_documents: tuple[str, ...]
    source: str
    from_rule_table: bool = True


@dataclass(frozen=True)
class Region:
    code: str
    name: str


class KbliList(dict[str, str]):
    """Five-digit KBLI codes mapped to their titles, as read from an official list.

    `conflicts` names the codes that appeared more than once with different titles; the
    first title was kept for each.
    """

    def __init__(self, titles: dict[str, str], conflicts: list[str]) -> None:
        super().__init__(titles)
        self.conflicts = conflicts


@dataclass(frozen=True)
class Reference:
    sectors: dict[str, Sector]
    environment_sector: str
    slots: dict[str, DocumentSlot]
    requirements_by_risk: dict[RiskLevel, tuple[str, ...]]
    environmental_slot: str
    rules: dict[str, RiskRule]
    province: Region
    regions: dict[str, Region]
    districts: dict[str, Region]
    division_sectors: dict[str, str]
    operators: dict[str, str]
    kbli_titles: dict[str, str] | None = None
    kbli_conflicts: tuple[str, ...] = field(default=())

    def rule_for(self, kbli: str) -> RiskRule | None:
        """Return the rule for a KBLI code, a synthetic high-risk rule, or None if unknown.

        A code outside the rule table gets a synthetic rule only when a full KBLI list is
        loaded and contains it: risk T at every scale, reviewed by its division's sector.
        """
        rule = self.rules.get(kbli)
        if rule is not None:
            return rule
        if self.kbli_titles is None or kbli not in self.kbli_titles:
            return None
        sector = self.sector_of_division(kbli)
        if sector is None:
            return None
        return RiskRule(
            kbli=kbli,
            title=self.kbli_titles[kbli],
            sector=sector,
            risk={scale: RiskLevel.HIGH for scale in BusinessScale},
            environmental_approval=False,
            extra_documents=(),
            source=SYNTHETIC_RULE_SOURCE,
            from_rule_table=False,
        )

    def required_slots(self, rule: RiskRule, risk_level: RiskLevel) -> list[str]:
        """List the document slots a permit needs, in a stable order without repeats.

        The risk level's defaults come first. At MT and T the environmental document
        (when the rule needs an environmental approval) and the rule's extra documents follow.
        """
        slots = list(self.requirements_by_risk[risk_level])
        if risk_level.needs_review:
            if rule.environmental_approval:
                slots.append(self.environmental_slot)
            slots.extend(rule.extra_documents)
        return list(dict.fromkeys(slots))

    def sector_of_division(self, kbli: str) -> str | None:
        """Return the sector code of the code's two-digit KBLI division, or None if unmapped."""
        return self.division_sectors.get(kbli[:2])

    def kbli_hint(self, kbli: str) -> str:
        """Suggest known codes near an unknown one, followed by where to find the full list.

        The hint holds only codes, official titles and an address, so it reads the same in
        the Indonesian and the English message.
        """
        known = self.kbli_titles if self.kbli_titles is not None else {c: r.title for c, r in self.rules.items()}
        near = _nearest_codes(kbli, known)
        if not near:
            return KBLI_LIST_HINT
        listed = ", ".join(f"{code} {known[code]}" for code in near)
        return f"{listed}; {KBLI_LIST_HINT}"

    def region_choices(self) -> str:
        """Return the regencies and cities as text, e.g. '75.01 Kabupaten Gorontalo, ...'."""
        return ", ".join(f"{region.code} {region.name}" for region in self.regions.values())


def _nearest_codes(kbli: str, known: dict[str, str], limit: int = 3) -> list[str]:
    """Pick up to `limit` known codes of the same division, numerically closest first."""
    if not SUBCLASS_PATTERN.match(kbli):
        return []
    same_division = [code for code in known if code[:2] == kbli[:2]]
    same_division.sort(key=lambda code: (abs(int(code) - int(kbli)), code))
    return sorted(same_division[:limit])


def _read_package_json(name: str) -> Any:
    return json.loads(resources.files("schemas").joinpath("reference", name).read_text(encoding="utf-8"))


def load_kbli_list(path: str | Path) -> KbliList:
    """Read the five-digit subclasses of an official KBLI 2020 list.

    Accepts a JSON array of objects with `code` and `title` (other keys and shorter codes
    of higher KBLI levels are ignored) or a CSV file with `code` and `title` columns.
    Raises ValueError for a numeric code, which would have lost its leading zero, for a
    record without code or title, and for a list without any five-digit code.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records: list[Any] = list(csv.DictReader(handle))
    else:
        records = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(records, list):
            raise ValueError(f"{path}: expected a JSON array of {{code, title}} objects, got {type(records).__name__}")

    titles: dict[str, str] = {}
    conflicts: list[str] = []
    for index, record in enumerate(records):
        code, title = _code_and_title(path, index, record)
        if not SUBCLASS_PATTERN.match(code):
            continue
        if code not in titles:
            titles[code] = title
        elif titles[code] != title and code not in conflicts:
            conflicts.append(code)

    if not titles:
        example = '{"code": "01111", "title": "Pertanian Jagung"}'
        raise ValueError(f"{path}: no five-digit KBLI codes found; expected records such as {example}")
    return KbliList(titles, conflicts)


def _code_and_title(path: Path, index: int, record: Any) -> tuple[str, str]:
    if not isinstance(record, dict):
        raise ValueError(f"{path}: record {index} is {type(record).__name__}, expected an object with code and title")
    code = record.get("code")
    title = record.get("title")
    if isinstance(code, (int, float)) and not isinstance(code, bool):
        raise ValueError(
            f"{path}: record {index} has the numeric code {code!r} (title {title!r}); "
            'KBLI codes must be strings so that leading zeros survive, e.g. "01111"'
        )
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"{path}: record {index} has no code (title {title!r})")
    if not isinstance(title, str) or not title.strip():
        raise ValueError(f"{path}: record {index} (code {code!r}) has no title")
    return code.strip(), title.strip()


@functools.lru_cache(maxsize=8)
def _load_reference_cached(kbli_list_path: str | None) -> Reference:
    sector_data = _read_package_json("sectors.json")
    sectors = {row["code"]: Sector(row["code"], row["name_id"], row["name_en"]) for row in sector_data["sectors"]}

    slot_data = _read_package_json("document_slots.json")
    defaults = slot_data["defaults"]
    slots = {
        row["slot"]: DocumentSlot(
            slot=row["slot"],
            title_id=row["title_id"],
            title_en=row["title_en"],
            content_types=tuple(row["content_types"]),
            max_bytes=int(row.get("max_bytes", defaults["max_bytes"])),
            max_pixels=int(row.get("max_pixels", defaults["max_pixels"])),
        )
        for row in slot_data["slots"]
    }
    requirements = {RiskLevel(level): tuple(names) for level, names in slot_data["requirements_by_risk"].items()}

    rules = {}
    for row in _read_package_json("risk_rules.json")["rules"]:
        rules[row["kbli"]] = RiskRule(
            kbli=row["kbli"],
            title=row["title"],
            sector=row["sector"],
            risk={BusinessScale(scale): RiskLevel(level) for scale, level in row["risk"].items()},
            environmental_approval=bool(row["environmental_approval"]),
            extra_documents=tuple(row["extra_documents"]),
            source=row["source"],
        )

    region_data = _read_package_json("regions.json")
    operator_data = _read_package_json("operators.json")

    kbli_titles: KbliList | None = load_kbli_list(kbli_list_path) if kbli_list_path else None
    reference = Reference(
        sectors=sectors,
        environment_sector=sector_data["environment_sector"],
        slots=slots,
        requirements_by_risk=requirements,
        environmental_slot=slot_data["environmental_slot"],
        rules=rules,
        province=Region(**region_data["province"]),
        regions={row["code"]: Region(row["code"], row["name"]) for row in region_data["regions"]},
        districts={row["code"]: Region(row["code"], row["name"]) for row in region_data["districts"]},
        division_sectors=dict(_read_package_json("kbli_divisions.json")["divisions"]),
        operators={row["operator_id"]: row["sector"] for row in operator_data["operators"]},
        kbli_titles=dict(kbli_titles) if kbli_titles is not None else None,
        kbli_conflicts=tuple(kbli_titles.conflicts) if kbli_titles is not None else (),
    )
    _check_consistency(reference)
    return reference


def _check_consistency(reference: Reference) -> None:
    """Raise ValueError when the data files refer to sectors or slots that do not exist."""
    problems = []
    if reference.environment_sector not in reference.sectors:
        problems.append(f"environment sector {reference.environment_sector} is not a sector")
    if reference.environmental_slot not in reference.slots:
        problems.append(f"environmental slot {reference.environmental_slot} is not a slot")
    if set(reference.requirements_by_risk) != set(RiskLevel):
        problems.append("requirements_by_risk must list every risk level")
    for level, names in reference.requirements_by_risk.items():
        problems.extend(f"risk level {level}: unknown slot {name}" for name in names if name not in reference.slots)
    for rule in reference.rules.values():
        if not SUBCLASS_PATTERN.match(rule.kbli):
            problems.append(f"rule {rule.kbli}: not a five-digit code")
        if rule.sector not in reference.sectors:
            problems.append(f"rule {rule.kbli}: unknown sector {rule.sector}")
        if set(rule.risk) != set(BusinessScale):
            problems.append(f"rule {rule.kbli}: risk must name every business scale")
        for name in rule.extra_documents:
            if name not in reference.slots:
                problems.append(f"rule {rule.kbli}: unknown slot {name}")
    for division, sector in reference.division_sectors.items():
        if sector not in reference.sectors:
            problems.append(f"division {division}: unknown sector {sector}")
    for operator, sector in reference.operators.items():
        if sector not in reference.sectors:
            problems.append(f"operator {operator}: unknown sector {sector}")
    if problems:
        raise ValueError("reference data is inconsistent: " + "; ".join(problems))


def load_reference(kbli_list_path: str | Path | None = None) -> Reference:
    """Load the reference data, with the official KBLI list at `kbli_list_path` when given.

    Results are cached per resolved path, so handlers can call this on every invocation.
    """
    resolved = str(Path(kbli_list_path).resolve()) if kbli_list_path else None
    return _load_reference_cached(resolved)


class ReviewDeadlines(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    default: PositiveInt
    sectors: dict[str, PositiveInt] = Field(default_factory=dict)


class DeadlineConfig(BaseModel):
    """Durations of the clock-bound steps, in working days (production) or seconds (demo)."""

    # Built on first use (defer_build), because a process validates its deadline file once.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    unit: Literal["working_days", "seconds"]
    correction: PositiveInt
    review: ReviewDeadlines

    @model_validator(mode="before")
    @classmethod
    def _drop_comments(cls, data: Any) -> Any:
        """Ignore keys that start with an underscore, which the data files use for notes."""
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if not str(key).startswith("_")}
        return data

    def duration(self, step: str, sector: str | None = None) -> int:
        """Return the duration of `step` ('correction' or 'review') in `unit`s."""
        if step == "correction":
            return self.correction
        if step == "review":
            if sector is not None and sector in self.review.sectors:
                return self.review.sectors[sector]
            return self.review.default
        raise ValueError(f"unknown deadline step {step!r}; expected 'correction' or 'review'")


def load_deadlines(path: str | Path | None = None) -> DeadlineConfig:
    """Read a deadline profile; without a path, the production profile in working days."""
    if path is None:
        data = _read_package_json("deadlines.json")
    else:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    return DeadlineConfig.model_validate(data)


def load_holiday_dates(path: str | Path | None = None) -> frozenset[date]:
    """Read the public holidays and cuti bersama days that working-day deadlines skip."""
    if path is None:
        data = _read_package_json("holidays.json")
    else:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    return frozenset(date.fromisoformat(entry["date"]) for entry in data["holidays"])
