"""Export formats 'lza', 'org-formation' and 'terraform': the design in a deployment engine's
language (designer.engines), each under a folder of its own. What the design says that the
engine has no place for is named in the files' comments and told once per export."""

from __future__ import annotations

from collections.abc import Callable

from designer.engines.carried import lost
from designer.engines.files import ConfigFile
from designer.engines.lza import CARRIES as LZA_CARRIES
from designer.engines.lza.write import write_config as write_lza
from designer.engines.orgformation import CARRIES as ORGFORMATION_CARRIES
from designer.engines.orgformation.write import write_config as write_orgformation
from designer.engines.terraform import CARRIES as TERRAFORM_CARRIES
from designer.engines.terraform.write import write_config as write_terraform
from designer.model.design import Design
from exporters.base import ExportContext, exporter

Write = Callable[[Design, str], list[ConfigFile]]


def _register(name: str, title: str, write: Write, carries: dict[str, str]) -> None:
    def run(ctx: ExportContext) -> None:
        left_out = lost(ctx.design, carries)
        if left_out:
            ctx.tell(
                f"{name}: the format cannot hold all of: {'; '.join(left_out)} (written in "
                f"part or left out: the comments at the top of the {name}/ files say what)"
            )
        for file in write(ctx.design, ctx.partition):
            ctx.write_text(f"{name}/{file.path}", file.text, name, file.purpose)

    exporter(name, title)(run)


_register("lza", "Landing Zone Accelerator configuration", write_lza, LZA_CARRIES)
_register(
    "org-formation",
    "org-formation organization and tasks",
    write_orgformation,
    ORGFORMATION_CARRIES,
)
_register(
    "terraform",
    "Terraform (AWS provider) and AFT account requests",
    write_terraform,
    TERRAFORM_CARRIES,
)
