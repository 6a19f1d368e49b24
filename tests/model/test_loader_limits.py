"""A design file of any size or shape loads or fails in one line, in bounded time and memory,
naming the JSON path (or line) and the limit it passes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic import synthetic_design
from designer.model import DesignFileError, dumps_design, limits, load_design, parse_design
from tests.helpers.factories import ROOT, small_data, write_json


def _refused(data: dict[str, Any] | str) -> str:
    text = data if isinstance(data, str) else json.dumps(data)
    started = time.perf_counter()
    with pytest.raises(DesignFileError) as caught:
        parse_design(text, "big.json")
    assert time.perf_counter() - started < 10
    message = str(caught.value)
    assert message.startswith("big.json: ")
    assert "\n" not in message
    return message


def test_too_many_accounts_names_the_count_and_the_limit() -> None:
    data = small_data()
    data["accounts"] = [{}] * 100_001
    assert "$.accounts: has 100001 accounts; the limit is 100000" in _refused(data)


def test_a_long_list_anywhere_names_its_path() -> None:
    data = small_data()
    data["accounts"][0]["regions"] = ["eu-west-1"] * 100_001
    assert "$.accounts[0].regions: has 100001 items; the limit is 100000" in _refused(data)


def test_a_design_list_of_scalars_stops_at_the_first() -> None:
    data = small_data()
    data["accounts"] = [1] * 100_000
    assert "$.accounts[0]: must be a JSON object {...} (got 1)" in _refused(data)


WIDE_BOMB = """
import json, resource, sys
from designer.model import DesignFileError, parse_design
from tests.helpers.factories import small_data
cap = 700 * 2**20
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
data = small_data()
ITEM = {"name": 1, "functions": 2, "email": 3, "tags": 4, "regions": 5, "scps": 6}
data["accounts"] = [ITEM] * 99_999
try:
    parse_design(json.dumps(data), "bomb.json")
except DesignFileError as exc:
    print(exc)
"""


def test_a_wide_bomb_fits_in_700_mb() -> None:
    # Before the limits, a 1 MB file of bad items took 850 MB; under a memory cap the process
    # died in pydantic-core with no message.
    run = subprocess.run(
        [sys.executable, "-c", WIDE_BOMB],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-500:]
    assert run.stdout.startswith("bomb.json: $.accounts[0]")
    assert run.stdout.count("\n") == 1


def test_reported_problems_are_capped_and_counted() -> None:
    data = small_data()
    data["accounts"] = [{}] * 50_000
    with pytest.raises(DesignFileError) as caught:
        parse_design(json.dumps(data), "big.json")
    assert len(caught.value.problems) == limits.MAX_REPORTED
    assert "(and at least " in str(caught.value)


def test_too_many_values_in_all() -> None:
    data = small_data()
    data["description"] = [[0] * 100_000 for _ in range(21)]
    message = _refused(data)
    assert "big.json: the file has about 2100" in message
    assert "values; the limit is 2000000" in message


def test_a_file_too_large_is_not_read(tmp_path: Path) -> None:
    file = tmp_path / "huge.json"
    with file.open("wb") as stream:
        stream.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: no disk, and never read
    with pytest.raises(DesignFileError, match=r"has 67108865 bytes; the limit is 67108864 \(64"):
        load_design(file)


def test_a_long_string_names_its_path() -> None:
    data = small_data()
    data["accounts"][2]["purpose"] = "x" * 100_001
    message = _refused(data)
    assert "$.accounts[2].purpose: text of 100001 characters; the limit is 100000" in message


def test_nesting_too_deep_for_the_parser_names_line_and_column() -> None:
    text = '{\n  "format_version": 2,\n  "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert "big.json: line 3 column 71: nested too deeply (more than 64 levels)" in _refused(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            '{"format_version": 2, "organization": {"name": "a", "name": "b"}}',
            "$.organization: duplicate key 'name'",
        ),
        ('{"format_version": 2, "accounts": [{"x": NaN}]}', "$.accounts[0].x: NaN is not a number"),
        ('{"format_version": 2, "layout": {"x": -Infinity}}', "$.layout.x: -Infinity is not"),
        ('{"format_version": 2, "a": [1e400]}', "$.a[0]: number too large for JSON"),
        ('{"format_version": 2, "a": {"b": ' + "9" * 5000 + "}}", "$.a.b: number of 5000 digits"),
    ],
)
def test_values_json_does_not_allow_name_their_path(text: str, words: str) -> None:
    message = _refused(text)
    assert words in message
    assert "int_max_str_digits" not in message


def test_the_largest_benchmark_design_loads(tmp_path: Path) -> None:
    # 10,000 accounts with one trust per account: 23 MB, 40,000 entities.
    design = synthetic_design(10_000, scoped=False)
    file = tmp_path / "large.json"
    file.write_text(dumps_design(design), encoding="utf-8")
    assert load_design(file) == design


def test_problem_paths_count_from_the_start_of_the_list(tmp_path: Path) -> None:
    # The lists are validated a thousand items at a time; paths still count from the start.
    data = small_data()
    bad = {**data["accounts"][2], "aws_account_id": "1"}
    data["accounts"] = [data["accounts"][0]] * 1001 + [bad]
    with pytest.raises(DesignFileError, match=r"\$\.accounts\[1001\]\.aws_account_id: an AWS"):
        load_design(write_json(tmp_path / "bad.json", data))
