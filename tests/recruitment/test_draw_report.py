"""The draw report (`run_draw`) and the thin `draw` management command around it."""

import io
import json

import pytest
from django.core.management.base import CommandError

from rebours.recruitment.drawing import new_seed, run_draw
from rebours.recruitment.management.commands.draw import Command
from rebours.recruitment.problem import DrawError

POOL = "id,gender,age\n" + "".join(
    f"p{i},{'woman' if i % 2 else 'man'},{'young' if i % 3 else 'old'}\n" for i in range(12)
)
QUOTAS = """feature,value,min,max
gender,woman,2,3
gender,man,2,3
age,young,2,4
age,old,1,2
"""


def test_report_has_the_documented_keys():
    report = run_draw(POOL, QUOTAS, size=5, seed=123)
    assert report["method"] == "leximin"
    assert report["seed"] == 123
    assert len(report["panel"]) == 5
    assert report["panel"] == sorted(report["panel"])
    assert set(report["probabilities"]) == {f"p{i}" for i in range(12)}
    assert sum(report["probabilities"].values()) == pytest.approx(5)
    assert report["min_probability"] == min(report["probabilities"].values())
    assert report["panels_in_distribution"] >= 1
    assert report["lottery"]["m"] == 1000
    assert report["lottery"]["slot"] == 124
    assert report["solver"].startswith("HiGHS ")
    json.dumps(report)  # serialisable as it is
    assert run_draw(POOL, QUOTAS, size=5, seed=123) == report


def test_greedy_and_comparison():
    greedy = run_draw(POOL, QUOTAS, size=5, seed=1, method="greedy")
    assert greedy["method"] == "greedy"
    assert "lottery" not in greedy
    compared = run_draw(POOL, QUOTAS, size=5, seed=1, method="maximin", greedy_runs=30)
    assert compared["greedy_comparison"]["runs"] == 30
    assert 0 <= compared["greedy_comparison"]["min_probability"] <= 1


def test_household_column_is_used():
    pool = "id,gender,home\n1,woman,h\n2,woman,h\n3,man,\n4,man,\n"
    quotas = "feature,value,min,max\ngender,woman,1,1\ngender,man,1,1\n"
    report = run_draw(pool, quotas, size=2, seed=0, household_column="home")
    assert report["household_column"] == "home"
    with pytest.raises(DrawError, match="short by 1"):
        run_draw(
            pool,
            "feature,value,min,max\ngender,woman,2,2\ngender,man,0,0\n",
            size=2,
            seed=0,
            household_column="home",
        )


def test_errors():
    with pytest.raises(DrawError, match="unknown method 'best'"):
        run_draw(POOL, QUOTAS, size=5, seed=1, method="best")
    with pytest.raises(DrawError, match="the minimums of feature 'gender' add up to 4"):
        run_draw(POOL, QUOTAS, size=3, seed=1)


def test_new_seed_is_a_non_negative_int():
    seed = new_seed()
    assert isinstance(seed, int)
    assert seed >= 0


def _run_command(tmp_path, *arguments, pool=POOL, quotas=QUOTAS):
    (tmp_path / "pool.csv").write_text(pool, encoding="utf-8")
    (tmp_path / "quotas.csv").write_text(quotas, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    command = Command(stdout=out, stderr=err)
    parser = command.create_parser("manage.py", "draw")
    options = vars(
        parser.parse_args(
            [
                "--pool",
                str(tmp_path / "pool.csv"),
                "--quotas",
                str(tmp_path / "quotas.csv"),
                *arguments,
            ]
        )
    )
    # No Django project is needed: skip the system checks that would load one.
    options["skip_checks"] = True
    command.execute(**options)
    return out.getvalue(), err.getvalue()


def test_command_prints_json(tmp_path):
    out, err = _run_command(tmp_path, "--size", "5", "--seed", "42")
    report = json.loads(out)
    assert report["seed"] == 42
    assert err == ""
    assert Command.help == "Draw a panel from a pool by a fair stratified lottery."


def test_command_generates_and_prints_a_seed_and_writes_a_file(tmp_path):
    out, err = _run_command(tmp_path, "--size", "5", "-o", str(tmp_path / "result.json"))
    report = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert f"seed: {report['seed']} (generated" in err
    assert "written to" in out


def test_command_errors_are_one_line(tmp_path):
    with pytest.raises(CommandError, match="the seed must be a whole number") as caught:
        _run_command(tmp_path, "--size", "5", "--seed", "4x")
    assert "\n" not in str(caught.value)
    with pytest.raises(CommandError, match="quotas file, line 2, column 'min'"):
        _run_command(
            tmp_path,
            "--size",
            "5",
            "--seed",
            "1",
            quotas="feature,value,min,max\ngender,woman,x,3\n",
        )
    with pytest.raises(CommandError, match="cannot read the pool file"):
        command = Command(stdout=io.StringIO(), stderr=io.StringIO())
        command.execute(
            pool=tmp_path / "missing.csv",
            quotas=tmp_path / "missing.csv",
            size=5,
            method="leximin",
            seed="1",
            household=None,
            greedy_runs=0,
            output=None,
            skip_checks=True,
            force_color=False,
            no_color=False,
        )
