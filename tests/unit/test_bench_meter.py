"""DynamoDB item sizes and capacity units as the benchmark computes them."""

import pytest

from local.bench_meter import attribute_value_size, item_size, read_units, write_units


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"S": "APP#1"}, 5),
        ({"S": "Gorontalo ü"}, 12),  # UTF-8: ü is two bytes
        ({"N": "123"}, 3),
        ({"N": "100"}, 2),  # trailing zeroes do not count
        ({"N": "-0.5"}, 2),
        ({"BOOL": True}, 1),
        ({"NULL": True}, 1),
        ({"L": [{"S": "ab"}, {"N": "1"}]}, 3 + (2 + 1) + (2 + 1)),
        ({"M": {"a": {"S": "x"}}}, 3 + (1 + 1 + 1)),
    ],
)
def test_attribute_value_sizes(value, size):
    assert attribute_value_size(value) == size


def test_item_size_counts_names():
    assert item_size({"PK": {"S": "APP#1"}, "version": {"N": "7"}}) == (2 + 5) + (7 + 2)


def test_unknown_type_rejected():
    with pytest.raises(ValueError, match="XX"):
        attribute_value_size({"XX": "1"})


@pytest.mark.parametrize(
    ("size", "transactional", "units"),
    [(0, False, 1.0), (1024, False, 1.0), (1025, False, 2.0), (1025, True, 4.0)],
)
def test_write_units(size, transactional, units):
    assert write_units(size, transactional) == units


@pytest.mark.parametrize(
    ("size", "consistent", "transactional", "units"),
    [
        (0, False, False, 0.5),
        (4096, False, False, 0.5),
        (4097, False, False, 1.0),
        (4097, True, False, 2.0),
        (4096, True, True, 2.0),
    ],
)
def test_read_units(size, consistent, transactional, units):
    assert read_units(size, consistent, transactional) == units
