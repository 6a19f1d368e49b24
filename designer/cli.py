"""The account-designer command line.

Exit codes: 0 success; 1 findings at or above --fail-on (validate) or differences (diff,
check-live); 2 bad input, with one line on stderr naming what is wrong; 3 (check-live) nothing to
report but the import could not read everything; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from designer.analysis.inventory import FORMATS, format_inventory
from designer.artefacts.tokens import PARTITIONS
from designer.drawing.views import VIEWS
from designer.live.defaults import DEFAULT_DEADLINE, DEFAULT_ROLE
from designer.model import Design, DesignError, load_design, new_id, save_design
from designer.model.fileformat import design_schema
from designer.model.templates import list_templates, new_design_from_template
from designer.model.vocabulary import AccountState
from designer.rules import Severity, all_rules, validate
from designer.rules.catalogue_text import format_rules
from designer.rules.context import RuleContext
from designer.rules.engine import Rule
from designer.rules.out_of_scope import SCOPE_RULE_ID
from designer.rules.registry import NOT_DECIDABLE
from designer.rules.report import (
    explained,
    format_explain,
    format_explain_json,
    format_json,
    format_sarif,
    format_text,
)
from exporters.registry import FORMAT_NAMES

if TYPE_CHECKING:
    from designer.live.drift_text import LiveCheck
    from designer.live.importer import ImportReport

VIEW_NAMES = tuple(VIEWS)

PROG = "account-designer"
EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_GAPS, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class UsageError(Exception):
    """Bad arguments: reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _cmd_templates(args: argparse.Namespace) -> int:
    infos = list_templates()
    width = max((len(i.name) for i in infos), default=0)
    for info in infos:
        counts = f"{info.accounts} accounts, {info.relationships} relationships"
        print(f"{info.name.ljust(width)}  {info.title} ({counts})")
    return EXIT_OK


def _cmd_new(args: argparse.Namespace) -> int:
    from designer.wizard.answers_file import load_answers, questions_text
    from designer.wizard.build import build_design

    chosen = [f for f in ("--template", "--answers", "--print-questions") if _given(args, f)]
    if len(chosen) != 1:
        raise UsageError(
            "new needs exactly one of --template NAME, --answers FILE, --print-questions"
        )
    if args.print_questions:
        sys.stdout.write(questions_text())
        return EXIT_OK
    if args.output is None:
        raise UsageError("new needs -o FILE, the design file to write")
    out = _new_file(args.output, args.force)
    if args.answers is not None:
        design = build_design(load_answers(Path(args.answers)), new_id())
        save_design(design, out, force=args.force)
        print(
            f"wrote {out} from the answers in {args.answers} ({len(design.accounts)} accounts, "
            f"{len(design.decisions)} decisions)"
        )
        return EXIT_OK
    design = new_design_from_template(args.template)
    save_design(design, out, force=args.force)
    print(f"wrote {out} from template {args.template!r} ({len(design.accounts)} accounts)")
    return EXIT_OK


def _given(args: argparse.Namespace, flag: str) -> bool:
    value = getattr(args, flag.lstrip("-").replace("-", "_"))
    return bool(value) if isinstance(value, bool) else value is not None


def _cmd_grow(args: argparse.Namespace) -> int:
    from designer.core.document import Document
    from designer.wizard.answers_file import load_answers
    from designer.wizard.grow import apply_growth, describe_changes, plan_growth

    path = Path(args.file)
    design = load_design(path)
    answers = load_answers(Path(args.answers))
    before = design.answers
    growth = plan_growth(design, answers)
    for line in describe_changes(before, answers) if before is not None else []:
        print(f"answer changed: {line}")
    for line in growth.summary(design):
        print(line)
    if growth.empty and before == answers:
        print(f"{path}: nothing to change")
        return EXIT_OK
    serious_before = _serious(design)
    document = Document(design.model_copy(deep=True))
    apply_growth(document, growth)
    for finding in _serious(document.design) - serious_before:
        print(f"new finding: {finding}")
    if args.dry_run:
        return EXIT_OK
    save_design(document.design, path)
    print(f"wrote {path} (previous version kept as {path.name}.bak)")
    return EXIT_OK


def _serious(design: Design) -> set[str]:
    """Critical and high findings, one line each: what a growth must not bring unannounced."""
    serious = (Severity.CRITICAL, Severity.HIGH)
    return {
        f"{f.severity.upper()} {f.rule_id} {f.message}"
        for f in validate(design).findings
        if f.severity in serious
    }


def _cmd_convert(args: argparse.Namespace) -> int:
    from designer.engines.convert import convert

    out = _new_file(args.output, args.force)
    design, report = convert(Path(args.input))
    save_design(design, out, force=args.force)
    report_path = _report_beside(out, "conversion", report.document())
    print(
        f"wrote {out}: {len(design.accounts)} accounts, {len(design.organizational_units)} OUs, "
        f"{len(design.relationships)} relationships from {report.engine} "
        f"({len(report.gaps)} not represented, {len(report.unmodelled)} files not modelled; "
        f"see {report_path})"
    )
    sys.stderr.write("".join(f"{line}\n" for line in report.text().splitlines()[1:]))
    return EXIT_OK


def _report_beside(design_file: Path, kind: str, document: object) -> Path:
    """Write the report of how a design file was made next to it: FILE.<kind>-report.json."""
    path = design_file.with_name(f"{design_file.stem}.{kind}-report.json")
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def _new_file(name: str, force: bool) -> Path:
    """The file -o names, checked before any work: not a folder, in a folder, not replaced
    unless --force."""
    out = Path(name)
    if not name or out.is_dir():
        raise UsageError(f"-o needs the name of a file to write, not {name!r}")
    if out.exists() and not force:
        raise DesignError(f"{out} already exists; add --force to replace it")
    if not out.parent.is_dir():
        raise DesignError(f"{out.parent} is not a folder")
    return out


def _cmd_inventory(args: argparse.Namespace) -> int:
    sys.stdout.write(format_inventory(load_design(args.file), args.format))
    return EXIT_OK


def _explained_rule(rule_id: str, fmt: str) -> tuple[str, Rule | None]:
    """The rule --explain asks for (any case); SCOPE, the out-of-scope notes, has no Rule."""
    wanted = rule_id.strip().upper()
    if fmt == "sarif":
        raise UsageError("--explain prints text or json, not sarif")
    if wanted == SCOPE_RULE_ID:
        return wanted, None
    rules = {r.id: r for r in all_rules()}  # loads the rule modules
    if wanted not in rules:
        raise UsageError(f"--explain: no rule {rule_id!r} (see '{PROG} rules')")
    return wanted, rules[wanted]


def _cmd_validate(args: argparse.Namespace) -> int:
    path = Path(args.file)
    explain = _explained_rule(args.explain, args.format) if args.explain else None
    design = load_design(path)
    text = path.read_text(encoding="utf-8-sig")
    ctx = RuleContext(design)
    report = validate(design, ctx.graph)
    if explain is not None:
        rule_id, rule = explain
        if args.format == "json":
            sys.stdout.write(format_explain_json(rule, rule_id, report))
        else:
            sys.stdout.write(format_explain(rule, rule_id, report, ctx))
    elif args.format == "json":
        sys.stdout.write(format_json(report, str(path)))
    elif args.format == "sarif":
        sys.stdout.write(format_sarif(report, all_rules(), ctx, path.as_posix(), text, _version()))
    else:
        sys.stdout.write(format_text(report, ctx, str(path)))
    failing = report.at_or_above(Severity(args.fail_on))
    if explain is not None:  # the exit code answers for the rule explained
        failing = [f for f in failing if f in explained(report, explain[0])["findings"]]
    return EXIT_FINDINGS if failing else EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    out = _import_target(args)
    _, report, report_path = _import_into(args, out)
    print(_import_line(out, report, report_path))
    for gap in report.gaps:
        print(f"gap: {gap.account or 'organization'}: {gap.what}: {gap.reason}", file=sys.stderr)
    return EXIT_OK


def _import_target(args: argparse.Namespace) -> Path:
    """The -o file of an import, and --workers, checked before anything is read."""
    out = Path(args.output)
    if not args.output or out.is_dir() or not out.parent.is_dir():
        raise UsageError(f"-o needs a file in an existing folder, not {args.output!r}")
    if args.workers < 1:
        raise UsageError("--workers must be 1 or more")
    if args.endpoint_url is not None:
        _check_endpoint(args.endpoint_url)
    return out


def _check_endpoint(url: str) -> None:
    """boto3 refuses a URL without scheme and host only when the first client is made, with a
    traceback; say so before anything is read."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is not a number
        valid = False
    if not valid:
        raise UsageError(
            f"--endpoint-url needs an http:// or https:// URL with a host, not {url!r}"
        )


def _seconds(text: str) -> float:
    """--timeout: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"needs a positive number of seconds, not {text!r}")
    return value


def _import_into(args: argparse.Namespace, out: Path) -> tuple[Design, ImportReport, Path]:
    """Read the organization (read-only) into `out` and its report beside it."""
    from designer.live.aws import Connection
    from designer.live.importer import ImportCancelled, import_organization

    connection = Connection(args.profile, args.region, args.endpoint_url, args.workers)
    try:
        design, report = import_organization(
            connection, args.role_name, _progress_bar(), deadline=args.timeout
        )
    except ImportCancelled:
        raise KeyboardInterrupt from None
    finally:
        sys.stderr.write("\n" if sys.stderr.isatty() else "")
    save_design(design, out)
    return design, report, _report_beside(out, "import", report.as_json())


def _traffic(report: ImportReport) -> dict[str, int]:
    """HTTP requests sent (retries included), throttled answers and retries of an import."""
    return {"requests": report.requests, "throttled": report.throttled, "retries": report.retries}


def _import_line(out: Path, report: ImportReport, report_path: Path) -> str:
    return (
        f"{out}: {report.scanned} of {report.accounts} accounts read in {report.duration:.1f} s, "
        f"{report.api_calls} API calls, {report.requests} requests ({report.throttled} "
        f"throttled, {report.retries} retries), {len(report.gaps)} gaps (see {report_path})"
    )


def _progress_bar() -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        if sys.stderr.isatty():
            filled = int(30 * done / max(total, 1))
            bar = "#" * filled + "." * (30 - filled)
            sys.stderr.write(f"\rreading accounts [{bar}] {done}/{total}")
            sys.stderr.flush()

    return show


def _cmd_diff(args: argparse.Namespace) -> int:
    from designer.live.diff import diff_designs
    from designer.live.diff_text import format_diff

    diff = diff_designs(load_design(args.planned), load_design(args.live))
    sys.stdout.write(format_diff(diff, args.format))
    return EXIT_FINDINGS if diff.differs else EXIT_OK


def _cmd_check_live(args: argparse.Namespace) -> int:
    from designer.live.drift import three_way
    from designer.live.drift_text import LiveCheck, format_check
    from designer.live.history import history_dir, keep, latest

    planned_path = Path(args.planned)
    planned = load_design(planned_path)
    out = _import_target(args)
    baseline_path = Path(args.baseline) if args.baseline else None
    baseline = load_design(baseline_path) if baseline_path is not None else None
    for given in (planned_path, baseline_path):
        if given is not None and out.resolve() == given.resolve():
            raise UsageError(f"-o {args.output} would replace {given}: name another file")
    history = history_dir(planned_path)
    if baseline_path is None:  # the newest import kept before this one
        earlier = latest(history)
        if earlier is not None:
            baseline_path, baseline = earlier.path, load_design(earlier.path)
    live, report, report_path = _import_into(args, out)
    print(_import_line(out, report, report_path), file=sys.stderr)
    if not args.no_history:
        kept = keep(history, live, report.as_json())
        print(f"kept as {kept.path}", file=sys.stderr)
    ctx = RuleContext(live)
    paths = [planned_path, out, *([baseline_path] if baseline_path else [])]
    check = LiveCheck(
        three_way(planned, live, baseline),
        validate(live, ctx.graph),
        ctx,
        list(report.gaps),
        planned_path.as_posix(),
        out.as_posix(),
        baseline_path.as_posix() if baseline_path else None,
        None if args.fail_on == "none" else Severity(args.fail_on),
        {p.as_posix(): p.read_text(encoding="utf-8-sig") for p in paths},
        _traffic(report),
    )
    sys.stdout.write(format_check(check, args.format, all_rules(), _version()))
    return _check_exit(check, live)


def _check_exit(check: LiveCheck, live: Design) -> int:
    """1 for differences or failing findings; else 3 when the import missed what it could
    have read (an account or fact of an active account, the organization): a clean answer
    on a partial read is no answer. Accounts AWS does not let anyone read (suspended,
    closing) are no such gap: their state is compared with the plan like any other."""
    if check.three.differs or check.failing():
        return EXIT_FINDINGS
    closed = {a.aws_account_id for a in live.accounts if a.state != AccountState.ACTIVE}
    if any(g.account is None or g.account not in closed for g in check.gaps):
        return EXIT_GAPS
    return EXIT_OK


def _cmd_history(args: argparse.Namespace) -> int:
    from designer.live.diff import diff_designs
    from designer.live.history import history_dir, kept

    where = Path(args.dir)
    if not where.exists():
        raise UsageError(f"{where} does not exist: give a history folder or a design file")
    folder = where if where.is_dir() else history_dir(where)
    rows: list[dict[str, object]] = []
    previous: Design | None = None
    for item in kept(folder):
        try:
            design = load_design(item.path)
        except DesignError as exc:  # one damaged import does not hide the others
            print(f"{PROG}: skipped: {exc}", file=sys.stderr)
            continue
        counts = diff_designs(previous, design).counts() if previous is not None else None
        rows.append(
            {
                "taken": item.taken.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "file": item.path.as_posix(),
                "report": item.report.as_posix() if item.report else None,
                "accounts": len(design.accounts),
                "gaps": _kept_gaps(item.report),
                "since_previous": None
                if counts is None
                else {
                    "appeared": counts["unexpected"],
                    "disappeared": counts["missing"],
                    "changed": counts["changed"],
                },
            }
        )
        previous = design
    if args.format == "json":
        print(json.dumps({"history": folder.as_posix(), "imports": rows}, indent=2))
        return EXIT_OK
    if not rows:
        print(f"{folder}: no imports kept")
    for row in rows:
        since = row["since_previous"]
        change = (
            "first kept"
            if not isinstance(since, dict)
            else ", ".join(f"{n} {what}" for what, n in since.items())
        )
        gaps = "?" if row["gaps"] is None else row["gaps"]
        print(f"{row['taken']}  {row['file']}  {row['accounts']} accounts, {gaps} gaps; {change}")
    return EXIT_OK


def _kept_gaps(report: Path | None) -> int | None:
    """The number of gaps a kept import report lists; None without a readable one."""
    try:
        data = json.loads(report.read_text(encoding="utf-8")) if report else None
    except (OSError, ValueError):
        return None
    gaps = data.get("gaps") if isinstance(data, dict) else None
    return len(gaps) if isinstance(gaps, list) else None


def _cmd_rehearse(args: argparse.Namespace) -> int:
    from designer.rehearsal.errors import RehearsalError
    from designer.rehearsal.export import export_design_file
    from designer.rehearsal.report import format_report
    from designer.rehearsal.run import rehearse

    export = Path(args.export)
    try:
        found = args.design or export_design_file(export)
        if found is None:
            raise UsageError(
                f"{export} carries no design: give the design it was exported from (--design FILE)"
            )
        result = rehearse(export, args.endpoint_url, load_design(found))
    except RehearsalError as exc:
        raise UsageError(str(exc)) from None
    sys.stdout.write(format_report(result, args.format))
    return EXIT_OK if result.passed else EXIT_FINDINGS


def _cmd_rules(args: argparse.Namespace) -> int:
    sys.stdout.write(format_rules(all_rules(), args.format, NOT_DECIDABLE))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from exporters.base import export_design  # exporters load only when asked for

    design = load_design(args.file)

    def notice(text: str) -> None:
        print(f"{PROG}: note: {text}", file=sys.stderr)

    try:
        written = export_design(
            design,
            Path(args.output),
            args.format or None,
            redact=args.redact,
            notice=notice,
            partition=args.partition,
        )
    except DesignError as exc:  # what AWS would refuse, or a disk that would not take it
        raise DesignError(f"{args.file}: not exported: {exc}") from None
    for record in written:
        print(f"{args.output.rstrip('/')}/{record.path}")
    return EXIT_OK


def _version() -> str:
    try:
        return metadata.version("aws-account-designer")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(design_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _cmd_gui(args: argparse.Namespace) -> int:
    """The window, on a design file or a new design (or a screenshot of it)."""
    from designer.gui.app import run  # Qt loads only when the window is wanted

    return run(args.file, args.screenshot, args.view, args.size)


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()) or not (200 <= int(width) <= 8000):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1600x1000, got {text!r}")
    return int(width), int(height)


def _gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Open the design window.")
    parser.add_argument("file", metavar="FILE", nargs="?", type=Path, help="design to open")
    parser.add_argument(
        "--screenshot",
        metavar="OUT.png",
        type=Path,
        help="render the window offscreen to a PNG and exit",
    )
    parser.add_argument(
        "--view", choices=list(VIEW_NAMES), default="all", help="which relationships to show"
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=_size,
        default=(1600, 1000),
        help="window size for --screenshot (default 1600x1000)",
    )
    parser.set_defaults(handler=_cmd_gui)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        formatter_class=lambda prog: argparse.HelpFormatter(prog, max_help_position=28),
        description="Design, check and document AWS multi-account security structures.",
        epilog=f"'{PROG} [FILE] [--screenshot OUT.png] [--view NAME] [--size WxH]' opens the "
        "design window (or renders it to a PNG).",
    )
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, title="commands")
    _add(commands, "templates", "list the built-in templates", _cmd_templates)
    new = _add(
        commands,
        "new",
        "write a new design from a template or from answers to the whitepaper's questions",
        _cmd_new,
    )
    new.add_argument("--template", metavar="NAME", help="see 'templates'")
    new.add_argument("--answers", metavar="FILE", help="answers file (YAML); see --print-questions")
    new.add_argument(
        "--print-questions",
        action="store_true",
        help="print a commented answers file to fill in",
    )
    new.add_argument("-o", "--output", metavar="FILE", help="design file to write")
    new.add_argument("--force", action="store_true", help="replace FILE if it exists")
    grow = _add(
        commands,
        "grow",
        "apply changed answers to a design the wizard made, keeping what was drawn by hand",
        _cmd_grow,
    )
    grow.add_argument("file", metavar="FILE", help="the design to grow (rewritten in place)")
    grow.add_argument("--answers", required=True, metavar="ANSWERS", help="the new answers")
    grow.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    converted = _add(
        commands,
        "convert",
        "open a Landing Zone Accelerator configuration folder or an org-formation "
        "organization.yml as a design file (what it cannot represent is listed in a report)",
        _cmd_convert,
    )
    converted.add_argument("input", metavar="PATH", help="the configuration folder or file")
    converted.add_argument("-o", "--output", required=True, metavar="FILE", help="design to write")
    converted.add_argument("--force", action="store_true", help="replace FILE if it exists")
    inventory = _add(commands, "inventory", "print the account inventory", _cmd_inventory)
    inventory.add_argument("file", metavar="FILE")
    inventory.add_argument("--format", choices=FORMATS, default="table")
    validate = _add(
        commands, "validate", "check a design against the rule catalogue", _cmd_validate
    )
    validate.add_argument("file", metavar="FILE")
    validate.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    validate.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        default=Severity.HIGH.value,
        metavar="LEVEL",
        help="exit 1 when a finding at or above LEVEL remains (critical, high, medium, low, "
        "info; default high)",
    )
    validate.add_argument(
        "--explain",
        metavar="RULE",
        help="print what RULE checks and why, then each of its findings in this design with "
        "the accounts and relationships involved and the evidence (text or json)",
    )
    export = _add(
        commands,
        "export",
        "write policies, templates, plans, diagrams and documents for a design",
        _cmd_export,
    )
    export.add_argument("file", metavar="FILE")
    export.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write")
    export.add_argument(
        "--format",
        action="append",
        metavar="NAME",
        help=f"a format to export (repeatable; default all: {', '.join(FORMAT_NAMES)})",
    )
    export.add_argument(
        "--redact",
        action="store_true",
        help="mask account ids, e-mail addresses and the organization id in every file "
        "(for sharing outside the company; the masks agree across files)",
    )
    export.add_argument(
        "--partition",
        choices=PARTITIONS,
        default="aws",
        help="the AWS partition the plain-JSON policies name in their ARNs (default aws; "
        "CloudFormation templates use ${AWS::Partition} and work in any)",
    )
    imported = _add(
        commands,
        "import",
        "read a live AWS Organization (read-only) into a design file and an import report",
        _cmd_import,
    )
    imported.add_argument("-o", "--output", required=True, metavar="FILE", help="design to write")
    _import_options(imported)
    _add_check_live(commands)
    history = _add(
        commands,
        "history",
        "list the imports check-live kept beside a design, oldest first, with what changed "
        "between each and the one before",
        _cmd_history,
    )
    history.add_argument(
        "dir", metavar="DIR", help="the history folder (PLAN.imports), or the design PLAN itself"
    )
    history.add_argument("--format", choices=("text", "json"), default="text")
    diff = _add(
        commands,
        "diff",
        "compare a planned design with a live one (an import): exit 1 when they differ",
        _cmd_diff,
    )
    diff.add_argument("planned", metavar="PLANNED")
    diff.add_argument("live", metavar="LIVE")
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    rehearsal = _add(
        commands,
        "rehearse",
        "execute an export's deployment plan on an AWS emulator on loopback (moto server), "
        "import the result and diff it with the design: exit 1 when a step or a check fails or "
        "the diff is not empty",
        _cmd_rehearse,
    )
    rehearsal.add_argument("export", metavar="EXPORT_DIR", help="a folder written by 'export'")
    rehearsal.add_argument(
        "--endpoint-url",
        required=True,
        metavar="URL",
        help="the emulator, at a loopback IP address (127.0.0.0/8 or ::1; the rehearsal writes)",
    )
    rehearsal.add_argument(
        "--design", metavar="FILE", help="the design exported (when the export has no copy)"
    )
    rehearsal.add_argument("--format", choices=("text", "json"), default="text")
    rules = _add(commands, "rules", "list every rule with id, severity and title", _cmd_rules)
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    _add(commands, "schema", "print the design file's JSON Schema", _cmd_schema)
    return parser


CHECK_LIVE_EXITS = (
    "exit codes: 0 nothing to report; 1 differences (any class) or findings of the live "
    "organization at or above --fail-on; 2 bad input (unreadable design, bad arguments, the "
    "organization cannot be read) with one line on stderr; 3 no differences nor such findings, "
    "but the import could not read everything (gaps; suspended accounts do not count): the "
    "answer is incomplete; 130 interrupted"
)


def _add_check_live(commands: argparse._SubParsersAction[_Parser]) -> None:
    check = _add(
        commands,
        "check-live",
        "import the live organization (read-only), validate it and compare it three ways with "
        "the plan and the previous import: planned-not-deployed, deployed-not-planned, "
        "differs-from-plan, changed-since-baseline",
        _cmd_check_live,
    )
    check.epilog = CHECK_LIVE_EXITS + (
        ". Each import is kept in PLANNED's history folder (PLAN.imports/, see 'history'); "
        "the newest one kept is the baseline unless --baseline names another."
    )
    check.add_argument("planned", metavar="PLANNED", help="the planned design")
    check.add_argument(
        "--baseline",
        metavar="PREVIOUS_IMPORT",
        help="an earlier import to compare with (default: the newest kept in the history)",
    )
    check.add_argument(
        "-o", "--output", required=True, metavar="IMPORT", help="where to write the import"
    )
    check.add_argument("--format", choices=("text", "json", "markdown", "sarif"), default="text")
    check.add_argument(
        "--fail-on",
        choices=[*(s.value for s in Severity), "none"],
        default=Severity.HIGH.value,
        metavar="LEVEL",
        help="exit 1 when the live organization has a finding at or above LEVEL (critical, "
        "high, medium, low, info; none: differences only; default high)",
    )
    _import_options(check)
    check.add_argument(
        "--no-history", action="store_true", help="do not keep this import in the history"
    )


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", help="AWS profile of the management account")
    parser.add_argument("--region", default="us-east-1", help="Region (default us-east-1)")
    parser.add_argument(
        "--role-name",
        default=DEFAULT_ROLE,
        metavar="NAME",
        help=f"role to assume in member accounts (default {DEFAULT_ROLE})",
    )
    parser.add_argument("--endpoint-url", metavar="URL", help="an AWS-compatible endpoint")
    parser.add_argument(
        "--workers", type=int, default=8, metavar="N", help="accounts read at once (default 8)"
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_DEADLINE,
        metavar="SECONDS",
        help=f"stop the import after SECONDS, exit 2 (default {DEFAULT_DEADLINE:g}: 30 minutes)",
    )


def _add(
    commands: argparse._SubParsersAction[_Parser],
    name: str,
    help_text: str,
    handler: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(handler=handler)
    COMMAND_NAMES.add(name)
    return sub


COMMAND_NAMES: set[str] = set()  # filled as build_parser() adds each command


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = build_parser()
    known = COMMAND_NAMES
    if (argv and argv[0] in known) or argv[:1] in (["-h"], ["--help"]):
        return parser.parse_args(argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    if (
        first is not None
        and first == argv[0]
        and not Path(first).exists()
        and not Path(first).suffix
    ):
        commands = ", ".join(sorted(known))
        raise UsageError(f"{first!r} is neither a command ({commands}) nor a design file")
    return _gui_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parse(list(sys.argv[1:] if argv is None else argv))
        code: int = args.handler(args)
    except (DesignError, UsageError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # a path the system refuses (too long, no permission, ...)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{PROG}: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK  # output piped into head or less that stopped reading
    return code


if __name__ == "__main__":
    sys.exit(main())
