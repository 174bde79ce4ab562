import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from schemas.reference import (
    SYNTHETIC_RULE_SOURCE,
    DeadlineConfig,
    load_deadlines,
    load_holiday_dates,
    load_kbli_list,
    load_reference,
)
from schemas.status import BusinessScale, RiskLevel

ALL_SECTORS = {"KKP", "TAN", "LHK", "ESDM", "IND", "DAG", "PUPR", "HUB", "KES", "DIK", "PAR", "AGM", "KOMINFO", "TK"}


@pytest.fixture(scope="module")
def kelompok_path(test_data: Path) -> Path:
    return test_data / "kbli2020" / "kbli_kelompok.json"


@pytest.fixture(scope="module")
def lengkap_path(test_data: Path) -> Path:
    return test_data / "kbli2020" / "kbli_lengkap.json"


@pytest.fixture(scope="module")
def official_titles(kelompok_path: Path) -> dict[str, str]:
    return {record["code"]: record["title"] for record in json.loads(kelompok_path.read_text(encoding="utf-8"))}


def test_all_fourteen_sectors_present():
    ref = load_reference()
    assert set(ref.sectors) == ALL_SECTORS
    assert ref.environment_sector == "LHK"
    assert ref.sectors["KKP"].name_en == "Marine Affairs and Fisheries"


def test_rule_table_size_and_sector_spread():
    ref = load_reference()
    assert len(ref.rules) >= 44
    per_sector = Counter(rule.sector for rule in ref.rules.values())
    for sector in ALL_SECTORS:
        assert per_sector[sector] >= 2, sector


def test_rule_table_spreads_risk_levels():
    rules = load_reference().rules.values()
    always = {level: [r.kbli for r in rules if set(r.risk.values()) == {level}] for level in RiskLevel}
    for level in RiskLevel:
        assert always[level], f"no code is {level} at every scale"
    assert any(rule.environmental_approval for rule in rules)
    assert any(not rule.environmental_approval for rule in rules)


def test_rule_codes_exist_with_official_titles(official_titles):
    for rule in load_reference().rules.values():
        assert rule.kbli in official_titles, rule.kbli
        assert rule.title == official_titles[rule.kbli], rule.kbli


def test_rule_sources_are_named():
    for rule in load_reference().rules.values():
        assert rule.source, rule.kbli
        assert rule.from_rule_table is True


def test_rule_table_keeps_leading_zeros():
    ref = load_reference()
    assert "01111" in ref.rules
    assert "03111" in ref.rules
    assert ref.rules["01111"].title == "Pertanian Jagung"


def test_full_list_loads_all_subclasses(kelompok_path):
    titles = load_kbli_list(kelompok_path)
    assert len(titles) == 1790
    assert titles["01111"] == "Pertanian Jagung"
    assert sum(code.startswith("0") for code in titles) == 243
    assert titles.conflicts == []


def test_complete_list_yields_subclasses_only(lengkap_path):
    titles = load_kbli_list(lengkap_path)
    assert len(titles) == 1790
    assert all(len(code) == 5 for code in titles)
    assert "01" not in titles
    assert titles["47111"].startswith("Perdagangan Eceran Berbagai Macam Barang")


def test_titles_are_stripped(kelompok_path):
    titles = load_kbli_list(kelompok_path)
    assert titles["38220"] == "Treatment dan Pembuangan Limbah Berbahaya"


def test_duplicate_records_do_not_break_loading(tmp_path):
    path = tmp_path / "dup.json"
    records = [
        {"code": "01111", "title": "Pertanian Jagung"},
        {"code": "01111", "title": "Pertanian Jagung"},
        {"code": "01112", "title": "Pertanian Gandum"},
        {"code": "01112", "title": "Gandum (judul lain)"},
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    titles = load_kbli_list(path)
    assert titles == {"01111": "Pertanian Jagung", "01112": "Pertanian Gandum"}
    assert titles.conflicts == ["01112"]


def test_numeric_code_rejected(tmp_path):
    path = tmp_path / "numeric.json"
    path.write_text(json.dumps([{"code": "01111", "title": "Pertanian Jagung"}, {"code": 1112, "title": "Pertanian Gandum"}]))
    with pytest.raises(ValueError, match=r"record 1 has the numeric code 1112 .*leading zeros"):
        load_kbli_list(path)


def test_list_without_subclasses_rejected(tmp_path):
    path = tmp_path / "divisions.json"
    path.write_text(json.dumps([{"code": "01", "title": "Pertanian"}]))
    with pytest.raises(ValueError, match="no five-digit KBLI codes"):
        load_kbli_list(path)


def test_csv_list_loads(tmp_path):
    path = tmp_path / "kbli.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "title"])
        writer.writerow(["01111", "Pertanian Jagung"])
        writer.writerow(["0111", "Pertanian Serealia"])
        writer.writerow(["55110", "Hotel Bintang"])
    assert load_kbli_list(path) == {"01111": "Pertanian Jagung", "55110": "Hotel Bintang"}


def test_regions_match_kemendagri_csv(test_data):
    with (test_data / "wilayah" / "gorontalo_kemendagri_2025.csv").open(encoding="utf-8") as handle:
        rows = {row["kode"]: row["nama"] for row in csv.DictReader(handle)}
    expected_regions = {code: name for code, name in rows.items() if code.count(".") == 1}
    expected_districts = {code: name for code, name in rows.items() if code.count(".") == 2}

    ref = load_reference()
    assert {code: region.name for code, region in ref.regions.items()} == expected_regions
    assert len(ref.regions) == 6
    assert ref.regions["75.01"].name == "Kabupaten Gorontalo"
    assert ref.regions["75.71"].name == "Kota Gorontalo"
    assert {code: district.name for code, district in ref.districts.items()} == expected_districts
    assert len(ref.districts) == 77
    assert (ref.province.code, ref.province.name) == ("75", rows["75"])


def test_every_division_maps_to_sector(lengkap_path):
    ref = load_reference()
    divisions = {record["code"] for record in json.loads(lengkap_path.read_text(encoding="utf-8")) if len(record["code"]) == 2}
    assert len(divisions) == 87
    assert set(ref.division_sectors) == divisions
    for division in divisions:
        assert ref.division_sectors[division] in ref.sectors, division


def test_division_sector_examples():
    ref = load_reference()
    assert ref.sector_of_division("01111") == "TAN"
    assert ref.sector_of_division("03221") == "KKP"
    assert ref.sector_of_division("10710") == "IND"
    assert ref.sector_of_division("47111") == "DAG"
    assert ref.sector_of_division("55110") == "PAR"
    assert ref.sector_of_division("86103") == "KES"
    assert ref.sector_of_division("94910") == "AGM"
    assert ref.sector_of_division("78101") == "TK"


def test_unlisted_code_gets_high_risk_rule(kelompok_path):
    ref = load_reference(kelompok_path)
    assert "10792" not in ref.rules
    rule = ref.rule_for("10792")
    assert rule is not None
    assert rule.title == "Industri Kue Basah"
    assert rule.sector == "IND"
    assert rule.risk == {scale: RiskLevel.HIGH for scale in BusinessScale}
    assert rule.environmental_approval is False
    assert rule.source == SYNTHETIC_RULE_SOURCE
    assert rule.from_rule_table is False


def test_table_rule_wins_over_full_list(kelompok_path):
    rule = load_reference(kelompok_path).rule_for("01111")
    assert rule is not None
    assert rule.from_rule_table is True
    assert rule.risk[BusinessScale.MICRO] is RiskLevel.LOW


def test_unlisted_code_unknown_without_list():
    ref = load_reference()
    assert ref.kbli_titles is None
    assert ref.rule_for("10792") is None


def test_invalid_code_unknown_with_list(kelompok_path):
    ref = load_reference(kelompok_path)
    assert ref.rule_for("01110") is None
    assert ref.rule_for("99999") is None


def test_reference_cached_per_path(kelompok_path):
    assert load_reference(kelompok_path) is load_reference(str(kelompok_path))
    assert load_reference() is load_reference(None)
    assert load_reference() is not load_reference(kelompok_path)


def test_kbli_hint_names_nearby_codes():
    hint = load_reference().kbli_hint("01119")
    assert hint == "01111 Pertanian Jagung, 01121 Pertanian Padi Hibrida, 01262 Perkebunan Buah Kelapa Sawit; KBLI 2020: https://oss.go.id"


def test_kbli_hint_with_full_list(kelompok_path):
    hint = load_reference(kelompok_path).kbli_hint("01110")
    assert hint == "01111 Pertanian Jagung, 01112 Pertanian Gandum, 01113 Pertanian Kedelai; KBLI 2020: https://oss.go.id"


def test_kbli_hint_without_neighbours():
    ref = load_reference()
    assert ref.kbli_hint("04000") == "KBLI 2020: https://oss.go.id"
    assert ref.kbli_hint("12") == "KBLI 2020: https://oss.go.id"


def test_slots_catalogue():
    ref = load_reference()
    assert set(ref.slots) >= {"ktp", "pernyataan_mandiri", "denah_lokasi", "bukti_hak_lahan", "dokumen_teknis", "dokumen_lingkungan"}
    assert ref.slots["ktp"].max_bytes == 5 * 1024 * 1024
    assert ref.slots["ktp"].content_types == ("application/pdf", "image/jpeg", "image/png")
    assert ref.slots["pernyataan_mandiri"].content_types == ("application/pdf",)
    assert ref.slots["dokumen_lingkungan"].max_bytes == 10_485_760
    for slot in ref.slots.values():
        assert slot.max_pixels == 40_000_000, slot.slot
        assert set(slot.content_types) <= {"application/pdf", "image/jpeg", "image/png"}, slot.slot


def test_required_slots_by_risk_level():
    ref = load_reference()
    corn = ref.rules["01111"]
    assert ref.required_slots(corn, RiskLevel.LOW) == ["ktp"]
    assert ref.required_slots(corn, RiskLevel.MEDIUM_LOW) == ["ktp", "pernyataan_mandiri"]
    assert ref.required_slots(corn, RiskLevel.MEDIUM_HIGH) == ["ktp", "pernyataan_mandiri", "denah_lokasi", "bukti_hak_lahan"]
    assert ref.required_slots(corn, RiskLevel.HIGH) == ["ktp", "denah_lokasi", "bukti_hak_lahan", "dokumen_teknis"]


def test_required_slots_environmental_and_extra():
    ref = load_reference()
    palm = ref.rules["01262"]
    assert ref.required_slots(palm, RiskLevel.MEDIUM_LOW) == ["ktp", "pernyataan_mandiri"]
    assert ref.required_slots(palm, RiskLevel.HIGH) == ["ktp", "denah_lokasi", "bukti_hak_lahan", "dokumen_teknis", "dokumen_lingkungan"]
    clinic = ref.rules["86105"]
    assert ref.required_slots(clinic, RiskLevel.MEDIUM_HIGH) == [
        "ktp",
        "pernyataan_mandiri",
        "denah_lokasi",
        "bukti_hak_lahan",
        "dokumen_teknis",
    ]
    # dokumen_teknis is a T default already, so the extra does not repeat it.
    assert ref.required_slots(clinic, RiskLevel.HIGH) == ["ktp", "denah_lokasi", "bukti_hak_lahan", "dokumen_teknis"]


def test_extra_documents_reach_review_levels():
    for rule in load_reference().rules.values():
        if rule.extra_documents:
            assert any(level.needs_review for level in rule.risk.values()), rule.kbli


def test_operators_cover_every_sector():
    ref = load_reference()
    assert set(ref.operators.values()) == ALL_SECTORS
    assert ref.operators["op-tan-1"] == "TAN"
    assert ref.operators["op-kominfo-1"] == "KOMINFO"


def test_production_deadlines():
    config = load_deadlines()
    assert config.unit == "working_days"
    assert config.duration("correction", None) == 10
    assert config.duration("review", None) == 10
    assert config.duration("review", "LHK") == 15
    assert config.duration("review", "PAR") == 10
    for sector in config.review.sectors:
        assert sector in ALL_SECTORS, sector
        assert 5 <= config.review.sectors[sector] <= 15, sector


def test_demo_deadlines_in_seconds(tmp_path):
    path = tmp_path / "demo.json"
    path.write_text(json.dumps({"_note": "demo", "unit": "seconds", "correction": 8, "review": {"default": 6}}))
    config = load_deadlines(path)
    assert config == DeadlineConfig(unit="seconds", correction=8, review={"default": 6})
    assert config.duration("correction", "TAN") == 8
    assert config.duration("review", "TAN") == 6


def test_deadline_step_unknown():
    with pytest.raises(ValueError, match="unknown deadline step 'payment'"):
        load_deadlines().duration("payment", None)


def test_deadline_config_rejects_typo(tmp_path):
    path = tmp_path / "typo.json"
    path.write_text(json.dumps({"unit": "seconds", "corection": 8, "review": {"default": 6}}))
    with pytest.raises(ValueError):
        load_deadlines(path)


def test_holidays_cover_2026_and_2027():
    holidays = load_holiday_dates()
    years = Counter(day.year for day in holidays)
    assert years[2026] == 25
    assert years[2027] >= 15
    assert set(years) == {2026, 2027}
