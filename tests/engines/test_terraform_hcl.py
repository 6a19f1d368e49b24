"""The HCL writer: what it escapes reads back, with python-hcl2, as exactly the text it was given,
and a reference stays a reference."""

from __future__ import annotations

import hcl2
import pytest
from hcl2.utils import SerializationOptions

from designer.engines.terraform.hcl import (
    Attribute,
    Block,
    Call,
    Comment,
    Ref,
    Template,
    render_file,
    render_value,
)

OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
HOSTILE = [
    'quote " inside',
    "back\\slash and \\n not a newline",
    "${var.secret}",
    "$${already doubled}",
    "%{ if true }yes%{ endif }",
    "line\nbreak\r\ttab",
    "bell\x07 escape\x1b nul\x00 del\x7f",
    "unicode é ß 日本 🚀",
    "bidi \u202e override, zero width \u200b",
    "line separator \u2028 paragraph \u2029",
    "ends with backslash \\",
    "ends with dollar $",
    "%",
    "}",
    "",
]


def parsed_string(text: str) -> str:
    """The value of `x = <literal>` as python-hcl2 reads it, template escapes undone."""
    value = hcl2.loads(f"x = {render_value(text)}\n", serialization_options=OPTIONS)["x"]
    assert isinstance(value, str)
    return value.replace("$${", "${").replace("%%{", "%{")


@pytest.mark.parametrize("text", HOSTILE)
def test_strings_read_back_exactly(text: str) -> None:
    assert parsed_string(text) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_strings_never_interpolate(text: str) -> None:
    rendered = render_value(text)
    body = rendered[1:-1].replace("$${", "").replace("%%{", "")
    assert "${" not in body
    assert "%{" not in body
    assert "\n" not in rendered
    assert "\r" not in rendered


def test_template_keeps_references_and_escapes_literals() -> None:
    value = Template(("arn:aws:iam::", Ref("aws_organizations_account.dev.id"), ":root ${x}"))
    assert render_value(value) == '"arn:aws:iam::${aws_organizations_account.dev.id}:root $${x}"'


def test_reference_is_unquoted_and_checked() -> None:
    assert render_value(Ref("aws_organizations_organization.this.roots[0].id")) == (
        "aws_organizations_organization.this.roots[0].id"
    )
    with pytest.raises(ValueError, match="not a Terraform reference"):
        Ref("a.b}${c")


def test_object_keys_quoted_unless_identifiers() -> None:
    text = render_value({"Version": "1", "aws:PrincipalOrgID": "o", "true": "t", "x y": "z"})
    assert "\n  Version " in text
    assert '"aws:PrincipalOrgID"' in text
    assert '"true"' in text
    assert '"x y"' in text


def test_file_parses_with_blocks_comments_and_calls() -> None:
    role = Block("resource", ("aws_iam_role", "r"))
    role.comment("a comment with\nline break and ${not} code")
    role.set("name", 'a "name"')
    role.set("assume_role_policy", Call("jsonencode", ({"Statement": [{"Effect": "Allow"}]},)))
    role.add(Block("lifecycle").set("ignore_changes", [Ref("name")]))
    text = render_file([Comment("head"), role, Attribute("top", 1)])
    data = hcl2.loads(text, serialization_options=OPTIONS)
    body = data["resource"][0]["aws_iam_role"]["r"]
    assert body["name"] == 'a "name"'
    assert body["assume_role_policy"].startswith("${jsonencode(")
    assert data["top"] == 1


def test_aligns_equals_of_neighbouring_attributes() -> None:
    text = render_file([Block("b").set("a", 1).set("long_name", 2)])
    assert "  a         = 1\n  long_name = 2\n" in text


def test_a_multi_line_value_is_never_padded_and_ends_the_run() -> None:
    """terraform fmt aligns only attributes whose value ends on its line: `tags = {` and
    `content = jsonencode({` keep one space before `=` and split the run around them."""
    block = Block("resource", ("t", "n"))
    block.set("name", "x").set("close_on_deletion", False)
    block.set("tags", {"a": "1", "long_key": "2"})
    block.set("type", "T").set("content", Call("jsonencode", ({"Version": "1", "Statement": []},)))
    text = render_file([block])
    assert text == (
        'resource "t" "n" {\n'
        '  name              = "x"\n'
        "  close_on_deletion = false\n"
        "  tags = {\n"
        '    a        = "1"\n'
        '    long_key = "2"\n'
        "  }\n"
        '  type = "T"\n'
        "  content = jsonencode({\n"
        '    Version   = "1"\n'
        "    Statement = []\n"
        "  })\n"
        "}\n"
    )
