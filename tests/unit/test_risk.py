import pytest

from functions.domain.risk import Assessment, UnknownKbli, assess, business_scale
from schemas.reference import load_reference
from schemas.status import BusinessScale, RiskLevel

BILLION = 1_000_000_000


@pytest.mark.parametrize(
    ("investment", "scale"),
    [
        (0, BusinessScale.MICRO),
        (BILLION, BusinessScale.MICRO),
        (BILLION + 1, BusinessScale.SMALL),
        (5 * BILLION, BusinessScale.SMALL),
        (5 * BILLION + 1, BusinessScale.MEDIUM),
        (10 * BILLION, BusinessScale.MEDIUM),
        (10 * BILLION + 1, BusinessScale.LARGE),
        (500 * BILLION, BusinessScale.LARGE),
    ],
)
def test_business_scale_boundaries(investment, scale):
    assert business_scale(investment) is scale


def test_business_scale_negative():
    with pytest.raises(ValueError, match="cannot be negative, got -1"):
        business_scale(-1)


def test_assess_low_risk():
    result = assess("01111", 250_000_000, load_reference())
    assert result == Assessment(
        kbli="01111",
        title="Pertanian Jagung",
        sector="TAN",
        scale=BusinessScale.MICRO,
        risk_level=RiskLevel.LOW,
        review_sectors=[],
        required_slots=["ktp"],
        from_rule_table=True,
    )


def test_assess_medium_low_risk():
    result = assess("01111", 6 * BILLION, load_reference())
    assert result.scale is BusinessScale.MEDIUM
    assert result.risk_level is RiskLevel.MEDIUM_LOW
    assert result.review_sectors == []
    assert result.required_slots == ["ktp", "pernyataan_mandiri"]


def test_assess_medium_high_risk():
    result = assess("01111", 20 * BILLION, load_reference())
    assert result.scale is BusinessScale.LARGE
    assert result.risk_level is RiskLevel.MEDIUM_HIGH
    assert result.review_sectors == ["TAN"]
    assert result.required_slots == ["ktp", "pernyataan_mandiri", "denah_lokasi", "bukti_hak_lahan"]


def test_assess_high_risk():
    result = assess("60102", 100_000_000, load_reference())
    assert result.sector == "KOMINFO"
    assert result.risk_level is RiskLevel.HIGH
    assert result.review_sectors == ["KOMINFO"]
    assert result.required_slots == ["ktp", "denah_lokasi", "bukti_hak_lahan", "dokumen_teknis"]


def test_assess_environmental_review():
    result = assess("01262", 3 * BILLION, load_reference())
    assert result.scale is BusinessScale.SMALL
    assert result.risk_level is RiskLevel.MEDIUM_HIGH
    assert result.review_sectors == ["TAN", "LHK"]
    assert result.required_slots == ["ktp", "pernyataan_mandiri", "denah_lokasi", "bukti_hak_lahan", "dokumen_lingkungan"]


def test_assess_environmental_below_review_level():
    result = assess("01262", BILLION, load_reference())
    assert result.risk_level is RiskLevel.MEDIUM_LOW
    assert result.review_sectors == []
    assert result.required_slots == ["ktp", "pernyataan_mandiri"]


def test_assess_environment_sector_reviews_once():
    result = assess("38120", BILLION, load_reference())
    assert result.sector == "LHK"
    assert result.risk_level is RiskLevel.HIGH
    assert result.review_sectors == ["LHK"]
    assert result.required_slots == ["ktp", "denah_lokasi", "bukti_hak_lahan", "dokumen_teknis", "dokumen_lingkungan"]


def test_assess_fish_processing_reviewed_by_marine_sector():
    result = assess("10213", 20 * BILLION, load_reference())
    assert result.sector == "KKP"
    assert result.review_sectors == ["KKP", "LHK"]


def test_assess_code_from_full_list(test_data):
    ref = load_reference(test_data / "kbli2020" / "kbli_kelompok.json")
    result = assess("10792", 50_000_000, ref)
    assert result.title == "Industri Kue Basah"
    assert result.sector == "IND"
    assert result.risk_level is RiskLevel.HIGH
    assert result.review_sectors == ["IND"]
    assert result.from_rule_table is False


def test_assess_unknown_code():
    with pytest.raises(UnknownKbli) as caught:
        assess("10792", 50_000_000, load_reference())
    assert caught.value.kbli == "10792"
    assert caught.value.hint == (
        "10298 Industri pengolahan rumput laut, 10710 Industri Produk Roti Dan Kue, "
        "10794 Industri Kerupuk, Keripik, Peyek Dan Sejenisnya; KBLI 2020: https://oss.go.id"
    )
    assert "KBLI code '10792' is unknown" in str(caught.value)
