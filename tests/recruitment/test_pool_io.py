"""Pool and quotas CSV parsing: good files in their variants, and one clear error per mistake."""

import pytest

from rebours.recruitment.pool_io import (
    PoolFileError,
    QuotasFileError,
    SeedError,
    parse_inputs,
    parse_pool,
    parse_quotas,
    parse_seed,
)
from rebours.recruitment.problem import DrawError, Quota

POOL = """id,gender,age,email
1,woman,young,a@example.org
2,man,old,b@example.org
3,woman,old,c@example.org
"""
QUOTAS = """feature,value,min,max
gender,woman,1,2
gender,man,0,1
age,young,0,1
age,old,1,2
"""


def test_good_files():
    pool, quotas = parse_inputs(POOL, QUOTAS)
    assert [v.id for v in pool] == ["1", "2", "3"]
    assert pool[0].features == {"gender": "woman", "age": "young", "email": "a@example.org"}
    assert pool[0].household is None
    assert quotas[0] == Quota("gender", "woman", 1, 2)
    assert len(quotas) == 4


def test_sortition_foundation_headers_semicolons_bom_and_case():
    quotas = (
        "\ufeffCategory;Name;Min;Max;min_flex;max_flex\nGender;woman;1;2;0;3\ngender;man;0;1;0;3\n"
    )
    parsed = parse_quotas(quotas)
    # One spelling per feature: the first met.
    assert parsed == [Quota("Gender", "woman", 1, 2), Quota("Gender", "man", 0, 1)]
    pool = "ID;GENDER\n a ; woman \nb;man\n"
    volunteers, _ = parse_inputs(pool, quotas)
    assert volunteers[0].id == "a"
    # Quoted features are stored under the quota's spelling of their name.
    assert volunteers[0].features == {"Gender": "woman"}


def test_tabs_and_quoted_cells_with_newlines():
    pool = 'id\tgender\tnote\n"x"\twoman\t"two\nlines"\ny\tman\t\n'
    volunteers = parse_pool(pool)
    assert volunteers[0].features["note"] == "two\nlines"
    assert volunteers[1].id == "y"


def test_household_column():
    pool = "id,gender,address\n1,woman,here\n2,man,here\n3,man,\n"
    volunteers = parse_pool(pool, household_column="Address")
    assert [v.household for v in volunteers] == ["here", "here", None]
    assert "address" not in volunteers[0].features
    with pytest.raises(PoolFileError, match="no column 'flat' for households"):
        parse_pool(pool, household_column="flat")


@pytest.mark.parametrize(
    ("pool", "message"),
    [
        ("", "pool file: the file is empty"),
        ("name,gender\nx,woman\n", "pool file, line 1: no 'id' column"),
        ("id,gender,id\n1,woman,2\n", "column 'id' appears twice"),
        ("id,,gender\n1,x,woman\n", "line 1, column 2: empty column name"),
        ("id,gender\n1,woman\n2,man\n1,man\n", "line 4, column 'id': id '1' already on line 2"),
        ("id,gender\n1,woman\n,man\n", "line 3, column 'id': empty id"),
        ("id,gender\n1,woman,extra\n", "line 2: expected 2 fields, found 3"),
        ("id,gender\n", "pool file: no volunteers"),
    ],
)
def test_pool_errors(pool, message):
    with pytest.raises(PoolFileError, match=message):
        parse_pool(pool)


@pytest.mark.parametrize(
    ("pool", "message"),
    [
        ("id,gender\n1,woman\n", "line 1: no column for the quota feature 'age'"),
        ("id,gender,age\n1,woman,young\n2,,old\n", "line 3, column 'gender': empty value"),
        (
            "id,gender,age\n1,woman,young\n2,other,old\n",
            "line 3, column 'gender': value 'other' has no quota",
        ),
    ],
)
def test_pool_against_quotas(pool, message):
    with pytest.raises(PoolFileError, match=message):
        parse_inputs(pool, QUOTAS)


def test_quota_value_absent_from_pool_names_its_line():
    quotas = QUOTAS + "gender,Woman,0,1\n"
    with pytest.raises(
        QuotasFileError, match="line 6: value 'Woman' of feature 'gender' does not occur"
    ):
        parse_inputs(POOL, quotas)


@pytest.mark.parametrize(
    ("quotas", "message"),
    [
        ("", "quotas file: the file is empty"),
        ("feature,value,min,max,weight\n", "line 1: unknown column 'weight'"),
        (
            "feature,value,min\n",
            "the columns must be feature,value,min,max or category,name,min,max",
        ),
        ("feature,name,min,max,value\n", "column 'name' mixes the two formats"),
        (
            "feature,value,min,max\ngender,woman,one,2\n",
            "line 2, column 'min': 'one' is not a whole number",
        ),
        (
            "feature,value,min,max\ngender,woman,1,2.5\n",
            "line 2, column 'max': '2.5' is not a whole number",
        ),
        ("feature,value,min,max\ngender,woman,-1,2\n", "line 2, column 'min': '-1' is negative"),
        ("feature,value,min,max\ngender,woman,3,2\n", "line 2: min 3 is above max 2"),
        ("feature,value,min,max\n,woman,1,2\n", "line 2, column 'feature': empty"),
        ("feature,value,min,max\ngender,,1,2\n", "line 2, column 'value': empty"),
        ("feature,value,min,max\ngender,woman,1\n", "line 2: expected 4 fields, found 3"),
        (
            "feature,value,min,max\ngender,woman,1,2\n\ngender,woman,0,1\n",
            "line 4: quota 'gender'='woman' already given on line 2",
        ),
        ("feature,value,min,max\n", "quotas file: no quota rows"),
        ('feature,value,min,max\n"gender,woman,1,2\n', "malformed CSV"),
    ],
)
def test_quota_errors(quotas, message):
    with pytest.raises(DrawError, match=message):
        parse_quotas(quotas)


def test_errors_are_one_line_and_subclass_value_error():
    with pytest.raises(ValueError) as caught:
        parse_quotas("feature,value,min,max\ngender,woman,x,2\n")
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, QuotasFileError)


@pytest.mark.parametrize(
    ("text", "seed"), [("0", 0), (" 42 ", 42), ("007", 7), ("9" * 30, int("9" * 30))]
)
def test_parse_seed(text, seed):
    assert parse_seed(text) == seed


@pytest.mark.parametrize("text", ["", "-1", "1.5", "12a", "+3", "1e6", "٣", "1_000", "9" * 1001])
def test_bad_seed(text):
    with pytest.raises(SeedError, match="the seed must be a whole number of 0 or more"):
        parse_seed(text)


def test_hostile_text_is_kept_and_quoted_in_errors():
    rtl = "\u202e"
    pool = f"id,gender\n<script>alert(1)</script>,woman 🙂\n{rtl}x,man\n"
    quotas = "feature,value,min,max\ngender,woman 🙂,0,1\ngender,man,0,1\n"
    volunteers, _ = parse_inputs(pool, quotas)
    assert volunteers[0].id == "<script>alert(1)</script>"
    assert volunteers[1].id == f"{rtl}x"
    bad = f"id,gender\n1,{rtl}woman\n"
    with pytest.raises(PoolFileError) as caught:
        parse_inputs(bad, quotas)
    # The invisible right-to-left override is shown escaped, not applied to the message.
    assert "\\u202ewoman" in str(caught.value)
    assert rtl not in str(caught.value)
