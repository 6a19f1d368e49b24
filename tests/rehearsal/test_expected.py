"""The organization a rehearsal expects: the design plus what the export adds, read from the
export's own files (no SCP name is known to the rehearsal)."""

from __future__ import annotations

import json
from pathlib import Path

from designer.model.templates import new_design_from_template
from designer.rehearsal.expected import export_additions, with_additions
from exporters.base import export_design


def test_the_export_s_generated_scps_are_expected_where_attachments_json_puts_them(
    tmp_path: Path,
) -> None:
    design = new_design_from_template("identity")
    export_design(design, tmp_path, ("policies",))
    held = {p.name for p in design.service_control_policies}
    attachments = json.loads((tmp_path / "policies/scps/attachments.json").read_text())
    attached = {n for t in attachments["Targets"] for n in t["Policies"]}
    additions = export_additions(design, tmp_path)
    assert additions.scps  # the identity template holds no SCP the export generates
    assert set(additions.scps) == attached - held - {"FullAWSAccess"}
    [name] = additions.scps
    documents = {name: json.loads(additions.scps[name])}
    expected = with_additions(design, additions, documents)
    [scp] = [p for p in expected.service_control_policies if p.name == name]
    assert scp.document == documents[name]
    assert scp.id in expected.organization.root_scps
    assert design.service_control_policies == [  # the design itself is left as it was
        p for p in expected.service_control_policies if p.name != name
    ]
    # read from the file: attached to an OU instead, it is expected there, not at the root
    unit = design.organizational_units[0]
    for target in attachments["Targets"]:
        target["Policies"] = [p for p in target["Policies"] if p != name]
        if target["DesignId"] == unit.id:
            target["Policies"].append(name)
    (tmp_path / "policies/scps/attachments.json").write_text(json.dumps(attachments))
    moved = with_additions(design, export_additions(design, tmp_path), documents)
    [scp] = [p for p in moved.service_control_policies if p.name == name]
    assert scp.id not in moved.organization.root_scps
    assert [u.scps for u in moved.organizational_units if u.id == unit.id] == [[scp.id]]


def test_an_export_that_carries_its_design_needs_no_design_argument(tmp_path: Path) -> None:
    from designer.model.fileformat import load_design
    from designer.rehearsal.export import export_design_file

    design = new_design_from_template("publishing")
    export_design(design, tmp_path, ("plan",))
    found = export_design_file(tmp_path)
    assert found is not None  # the manifest's design_file
    assert load_design(found).model_dump() == design.model_dump()
