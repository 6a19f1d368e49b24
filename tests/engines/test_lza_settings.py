"""global-config.yaml and security-config.yaml: nothing invented on export (a key LZA's schema
requires gets the value that turns nothing on, and says so), and on convert every setting the
design does not hold is reported unless an export writes it back unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from designer.engines.lza.read import read
from designer.engines.lza.write import write_config
from designer.model.templates import load_template

CONFIGS = Path(__file__).parent / "configs" / "lza"


def _files() -> dict[str, str]:
    return {f.path: f.text for f in write_config(load_template("reference-landing-zone"))}


def _gaps(report: Any) -> list[str]:
    return [f"{g.where}: {g.what}" for g in report.gaps]


def test_required_settings_the_design_does_not_say_turn_nothing_on_and_say_why() -> None:
    files = _files()
    settings = yaml.safe_load(files["global-config.yaml"])
    assert settings["controlTower"] == {"enable": False}
    assert settings["cloudwatchLogRetentionInDays"] == 3653  # LZA only raises retention
    assert "centralizedLoggingRegion" not in settings["logging"]  # optional: LZA's home Region
    assert "Required by LZA's schema" in files["global-config.yaml"]
    security = files["security-config.yaml"]
    assert "Required by LZA's schema" in security
    assert "LZA's default" not in files["global-config.yaml"]
    assert "sample" not in security


def test_the_password_policy_is_lza_schema_defaults_and_said_to_be() -> None:
    files = _files()
    policy = yaml.safe_load(files["security-config.yaml"])["iamPasswordPolicy"]
    # IIamPasswordPolicyConfig's documented defaults in LZA's security-config schema
    assert policy == {
        "allowUsersToChangePassword": True,
        "hardExpiry": True,
        "requireUppercaseCharacters": True,
        "requireLowercaseCharacters": True,
        "requireSymbols": True,
        "requireNumbers": True,
        "minimumPasswordLength": 14,
        "passwordReusePrevention": 24,
        "maxPasswordAge": 90,
    }
    assert "not a choice of the design" in files["security-config.yaml"]


def test_settings_the_design_does_not_hold_are_reported_on_convert() -> None:
    _, report = read(CONFIGS / "variables")
    gaps = _gaps(report)
    for where in (
        "global-config.yaml: controlTower.enable: true",
        'global-config.yaml: logging.centralizedLoggingRegion: "eu-central-1"',
        "global-config.yaml: logging.sessionManager.sendToS3: true",
        'global-config.yaml: managementAccountAccessRole: "CorpAccessRole"',
    ):
        assert any(g.startswith(where) for g in gaps), where
    # held by the design, or what an export writes back unchanged: no entry
    assert not any("homeRegion" in g or "cloudwatchLogRetentionInDays" in g for g in gaps)
    assert not any("sendToCloudWatchLogs" in g for g in gaps)
