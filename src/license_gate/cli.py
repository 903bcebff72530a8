"""Command line: argument parsing, output writing and exit codes; the pipeline itself is
license_gate.pipeline, given a CheckOptions built here.

Exit codes: 0 the policy passed (warnings may be printed), 1 policy violations, 2 a usage
or configuration error. Only this module writes files or picks an exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from license_gate import __version__

if TYPE_CHECKING:
    from license_gate.model import (
        Place,
        Report,
    )
    from license_gate.pipeline import CheckOptions
    from license_gate.policy import Policy

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2
# Hosted-API providers whose model names explain accepts as openai:gpt-4o or pkg:openai/gpt-4o.
_HOSTED = ("openai", "anthropic", "google", "bedrock", "cohere", "mistral")
# Kept here rather than imported so that --help and a run with nothing to do stay light.
FORMATS = ("text", "json", "markdown", "github", "sarif", "cyclonedx")


def _seconds(text: str) -> float:
    """A number of seconds above zero; argparse names the flag in its error."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text}")
    return value


def _count(least: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
        return value

    parse.__name__ = f"at least {least}"  # what argparse calls the type in its messages
    return parse


def _index_options(parser: argparse.ArgumentParser) -> None:
    # LICENSE_GATE_INDEX_URL keeps an index token out of the process list (the action
    # passes its inputs so)
    parser.add_argument("--index-url", "-i", metavar="URL",
                        default=os.environ.get("LICENSE_GATE_INDEX_URL") or None,
                        help="the package index (simple API) to resolve from, as pip's "
                        "--index-url (also LICENSE_GATE_INDEX_URL); default: what the "
                        "requirements files, lockfiles, PIP_INDEX_URL, pip's config, or uv's "
                        "settings say, else PyPI")
    parser.add_argument("--extra-index-url", action="append", metavar="URL",
                        default=os.environ.get("LICENSE_GATE_EXTRA_INDEX_URL", "").split(),
                        help="a further index, as pip's (repeatable; also "
                        "LICENSE_GATE_EXTRA_INDEX_URL, space-separated)")


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="license-gate",
        description="Check the licences of a repository's dependencies against a policy.",
    )
    parser.add_argument("--version", action="version", version=f"license-gate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="check dependency files against the policy",
                           description="Check dependency files against the policy. "
                           "Exit 0: passed; 1: policy violations; 2: usage or configuration error.")
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="files or directories to check (default: the current directory)")
    check.add_argument("--policy", type=Path, metavar="FILE",
                       help="policy file (default: .license-gate.yaml, [tool.license-gate] in "
                       "pyproject.toml, else the built-in default)")
    check.add_argument("--format", action="append", choices=FORMATS, metavar="FORMAT",
                       help=f"output format, one of {', '.join(FORMATS)} (default: text); "
                       "repeat for several reports in one run")
    check.add_argument("--output", "-o", action="append", metavar="FILE",
                       help="write the report to FILE instead of standard output; the first "
                       "--output goes with the first --format, and so on ('-' is standard "
                       "output)")
    check.add_argument("--offline", action="store_true", default=_env_flag("LICENSE_GATE_OFFLINE"),
                       help="use only installed metadata and the cache; no network "
                       "(also LICENSE_GATE_OFFLINE=1)")
    _index_options(check)
    check.add_argument("--pypi-url", metavar="URL",
                       help="a PyPI JSON API base to ask instead of any index (default: "
                       "$LICENSE_GATE_PYPI_URL; without either, the indexes pip or uv would use)")
    check.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help="cache directory (default: $LICENSE_GATE_CACHE_DIR or the user "
                       "cache directory)")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    check.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="leave out repository paths matching GLOB (repeatable; with the "
                       "policy's paths.exclude): 'charts/**', '*.j2', 'docs/'")
    check.add_argument("--no-confirm", action="store_true",
                       default=_env_flag("LICENSE_GATE_NO_CONFIRM"),
                       help="do not ask the Hub whether id-shaped strings without model context "
                       "are models; they are only counted, as offline (also "
                       "LICENSE_GATE_NO_CONFIRM=1)")
    check.add_argument("--timeout", type=_seconds, default=10.0, metavar="SECONDS",
                       help="per-request network timeout (default: 10)")
    check.add_argument("--retries", type=_count(0), default=3, metavar="N",
                       help="retries for timeouts, 429 and 5xx responses (default: 3)")
    check.add_argument("--jobs", type=_count(1), default=16, metavar="N",
                       help="concurrent registry requests (default: 16)")
    check.add_argument("--workers", type=_count(1), default=None, metavar="N",
                       help="processes that extract files (default: one per core, up to 8, "
                       "when there is more than 200 KB to read; else 1)")
    check.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="show progress on stderr (default: only on a terminal, not under CI "
                       "or pre-commit, and only once a run has lasted 2 seconds)")
    check.add_argument("--quiet", "-q", action="store_true",
                       help="text output: one line per problem, and the verdict")
    # The Action checks a subdirectory but annotates paths relative to the workspace.
    check.add_argument("--path-prefix", metavar="DIR", default="", help=argparse.SUPPRESS)
    check.add_argument("--write-exceptions", type=Path, metavar="FILE",
                       help="also write today's failing and warned components as policy "
                       "exceptions to review (reason: TODO, expiring in 90 days) to FILE")
    check.add_argument("--baseline", metavar="GIT_REF",
                       help="report and fail only on findings that are new since GIT_REF (for "
                       "pull requests: the base branch); the baseline's files are read with git, "
                       "never checked out")
    explain = sub.add_parser(
        "explain", help="show what a licence, model or package is licensed under and why",
        description="Explain a licence id or Hub licence slug (llama3.1, mrl, CC-BY-NC-4.0), "
        "a Hub id (meta-llama/Llama-3.1-8B, datasets/org/name), an Ollama name (ollama:llama3.1, "
        "llama3.1:8b) or a package URL (pkg:huggingface/..., pkg:ollama/..., pkg:pypi/name@1.0). "
        "Exit 0: explained; 1: the component's licence is unknown; 2: not understood.")
    explain.add_argument("subject", metavar="X")
    explain.add_argument("--offline", action="store_true", default=_env_flag("LICENSE_GATE_OFFLINE"),
                         help="use only the bundled catalog, installed metadata and the cache")
    explain.add_argument("--cache-dir", type=Path, metavar="DIR",
                         help="cache directory (default: $LICENSE_GATE_CACHE_DIR or the user "
                         "cache directory)")
    _index_options(explain)
    explain.add_argument("--pypi-url", metavar="URL", help="a PyPI JSON API base to ask instead")
    explain.add_argument("--timeout", type=_seconds, default=10.0, metavar="SECONDS")
    explain.add_argument("--retries", type=_count(0), default=3, metavar="N")
    explain.add_argument("--format", choices=("text", "json"), default="text",
                         help="json: the component with the same fields as in check's JSON report, "
                         "its findings, and the licence facts")
    explain.add_argument("--policy", type=Path, metavar="FILE",
                         help="judge the component under this policy (default: the one check would "
                         "use in the current directory)")
    return parser


def _output_targets(formats: list[str], outputs: list[str]) -> list[tuple[str, Path | None]] | str:
    """Pair formats with outputs in order; unpaired formats go to standard output, and
    only one report may go there. Returns an error message instead when they do not fit."""
    if len(outputs) > len(formats):
        return (f"{len(outputs)} --output given for {len(formats)} --format; give one --format "
                "for each --output")
    targets: list[tuple[str, Path | None]] = []
    for index, fmt in enumerate(formats):
        out = outputs[index] if index < len(outputs) else "-"
        targets.append((fmt, None if out == "-" else Path(out)))
    if sum(1 for _, t in targets if t is None) > 1:
        return "several reports would go to standard output; give --output FILE for all but one"
    written = [t for _, t in targets if t is not None]
    if len(set(written)) < len(written):
        return "two reports would be written to the same --output file"
    return targets


def _write_atomically(path: Path, text: str) -> None:
    """Write beside the target, then rename: a failed run never leaves a truncated report."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp makes the file 0600; a report is an ordinary file, so it gets the mode
        # any new file would (0644 under umask 022), or the mode of the one it replaces
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mask = os.umask(0)
            os.umask(mask)
            mode = 0o666 & ~mask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _prefixed(report: Report, prefix: str) -> Report:
    """Every place in the report with ``prefix/`` in front of its path."""
    from dataclasses import replace

    def move(places: tuple[Place, ...]) -> tuple[Place, ...]:
        return tuple(replace(p, path=f"{prefix}/{p.path}") for p in places)

    findings = tuple(replace(f, places=move(f.places)) for f in report.findings)
    components = tuple(
        replace(c, resolved=replace(
            c.resolved, places=move(c.resolved.places),
            claims=tuple(replace(cl, place=replace(cl.place, path=f"{prefix}/{cl.place.path}"))
                         for cl in c.resolved.claims)))
        for c in report.components
    )
    inputs = tuple(f"{prefix}/{i}" for i in report.inputs)
    return replace(report, findings=findings, components=components, inputs=inputs)


def _cache_dir(args: argparse.Namespace) -> Path | None:
    from license_gate.pipeline.options import default_cache_dir

    return None if getattr(args, "no_cache", False) else (args.cache_dir or default_cache_dir())


def check_options(args: argparse.Namespace) -> CheckOptions:
    """The run's options from the command line and the environment, read once here."""
    from license_gate.pipeline import CheckOptions

    return CheckOptions(
        offline=args.offline,
        cache_dir=_cache_dir(args),
        timeout=args.timeout,
        retries=args.retries,
        # explain asks for one component: a few connections are plenty
        jobs=getattr(args, "jobs", 4),
        pypi_url=args.pypi_url or os.environ.get("LICENSE_GATE_PYPI_URL") or None,
        index_url=args.index_url,
        extra_index_urls=tuple(args.extra_index_url or ()),
        no_confirm=getattr(args, "no_confirm", False),
        hf_token=os.environ.get("HF_TOKEN") or None,
        exclude=tuple(getattr(args, "exclude", ())),
        workers=getattr(args, "workers", None),
    )


def _load_policy(args: argparse.Namespace, root: Path) -> Policy | None:
    """The effective policy, or None after saying why it is invalid (exit 2)."""
    from license_gate.policy import PolicyError, load_policy

    try:
        return load_policy(args.policy, root, _cache_dir(args), args.offline)
    except PolicyError as exc:
        print(f"license-gate: invalid policy: {exc}", file=sys.stderr)
        return None


def run_check(args: argparse.Namespace) -> int:
    from license_gate.policy import find_policy_file

    paths = args.paths or ["."]
    for raw in paths:
        if not os.path.lexists(raw):
            print(f"license-gate: {raw}: no such file or directory", file=sys.stderr)
            return EXIT_USAGE
    root = Path(paths[0]) if len(paths) == 1 and os.path.isdir(paths[0]) else Path.cwd()
    root = root.resolve()
    policy_file = args.policy or find_policy_file(root)
    targets = _output_targets(args.format or ["text"], args.output or [])
    if isinstance(targets, str):
        print(f"license-gate: {targets}", file=sys.stderr)
        return EXIT_USAGE
    policy = None
    if policy_file is not None:
        # The repository's own policy is read first: its paths.exclude decides what is read.
        policy = _load_policy(args, root)
        if policy is None:
            return EXIT_USAGE
    from dataclasses import replace

    from license_gate.progress import Progress, wanted

    progress = Progress(sys.stderr) if wanted(args.progress, sys.stderr) else None
    try:
        return _check(args, paths, root, policy, targets,
                      replace(check_options(args), progress=progress))
    finally:
        if progress is not None:
            progress.close()


def _check(args: argparse.Namespace, paths: list[str], root: Path, policy: Policy | None,
           targets: list[tuple[str, Path | None]], options: CheckOptions) -> int:
    from license_gate import pipeline

    plain = targets == [("text", None)]
    extracted = pipeline.scan_paths(paths, root, policy.exclude if policy else (), options)
    nothing_to_do = extracted.empty
    if nothing_to_do and policy is None and plain:
        # With nothing to check, the built-in profile need not even be read (it is tested).
        print("license-gate: no dependency files or model references to check")
        for why in extracted.skipped:
            print(f"note: {why}")
        return EXIT_OK
    if policy is None:
        policy = _load_policy(args, root)
        if policy is None:
            return EXIT_USAGE
    if nothing_to_do and plain:
        print("license-gate: no dependency files or model references to check")
        for why in extracted.skipped:
            print(f"note: {why}")
        return EXIT_OK

    baseline_commit = None
    if args.baseline:
        from license_gate.baseline import BaselineError, resolve_ref

        try:
            baseline_commit = resolve_ref(root, args.baseline)
        except BaselineError as exc:
            print(f"license-gate: {exc}", file=sys.stderr)
            return EXIT_USAGE
    report = pipeline.judge(root, policy, extracted, options)
    if baseline_commit is not None:
        from license_gate.baseline import BaselineError

        try:
            report = pipeline.against_baseline(report, baseline_commit, args.baseline, paths,
                                               root, policy, options)
        except BaselineError as exc:
            print(f"license-gate: cannot read baseline {args.baseline}: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.path_prefix.strip("./"):
        report = _prefixed(report, args.path_prefix.strip("/"))
    if args.write_exceptions is not None:
        from license_gate.report.exceptions import format_exceptions

        try:
            _write_atomically(args.write_exceptions, format_exceptions(report))
        except OSError as exc:
            print(f"license-gate: cannot write {args.write_exceptions}: {exc.strerror or exc}",
                  file=sys.stderr)
            return EXIT_USAGE
        print(f"license-gate: exceptions to review written to {args.write_exceptions}",
              file=sys.stderr)

    if options.progress is not None:
        options.progress.close()  # the report starts on a clean line
    from license_gate.report import formatter

    for fmt, target in targets:
        if fmt == "text":
            from license_gate.report.text import format_text

            output = format_text(report, quiet=args.quiet, width=_text_width(target))
        else:
            output = formatter(fmt)(report)
        if target is None:
            sys.stdout.write(output)
            continue
        try:
            _write_atomically(target, output)
        except OSError as exc:
            print(f"license-gate: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
        if not any(t is None for _, t in targets):
            print(f"license-gate: {fmt} report written to {target} "
                  f"({'passed' if report.is_compliant else 'FAILED'}: {report.errors} error(s), "
                  f"{report.warnings} warning(s))")
    return EXIT_OK if report.is_compliant else EXIT_VIOLATIONS


def _text_width(target: object | None) -> int:
    """The columns the text report wraps at: ``COLUMNS`` when set, the terminal's width
    when standard output is one, else 100 (CI logs, pipes and files)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if target is None and sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size((100, 24)).columns
    return 100


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 for --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command == "explain":
        return run_explain(args)
    return run_check(args)


def _explain_target(subject: str) -> tuple[str, str, str | None] | None:
    """(ecosystem, name, version or revision) when the subject names a component."""
    from urllib.parse import unquote

    from license_gate.extract._ids import is_hub_id, is_ollama_name

    text = subject.strip()
    if text.startswith("pkg:"):
        kind, _, rest = text[4:].partition("/")
        raw_name, _, raw_version = rest.partition("@")
        name = unquote(raw_name)
        version = unquote(raw_version) if raw_version else None
        if kind == "ollama":
            return "ollama", f"{name}:{version or 'latest'}", None
        if kind in ("huggingface", "pypi", *_HOSTED) and name:
            return kind, name, version
        return None
    for prefix, ecosystem in (("ollama:", "ollama"), ("hf:", "huggingface"),
                              ("huggingface:", "huggingface"), *((f"{h}:", h) for h in _HOSTED)):
        if text.startswith(prefix):
            name = text[len(prefix):]
            if ecosystem == "ollama" and ":" not in name:
                name += ":latest"
            return ecosystem, name, None
    pinned = ""
    if "@" in text and "://" not in text:
        text, _, pinned = text.partition("@")
    if "/" in text and "://" not in text and is_hub_id(text.removeprefix("datasets/")):
        return "huggingface", text, pinned or None
    if ":" in text and "://" not in text and is_ollama_name(text):
        return "ollama", text, None
    from license_gate.knowledge.hf import from_claim

    if from_claim(text).expression is not None:
        return None  # a licence id or slug: explained as a licence
    # Every other form check reads as a Hub repository where a model is loaded: a Hub URL
    # (huggingface.co/..., hf.co/...), a cache directory name, a legacy bare id (gpt2).
    from license_gate.extract import literals
    from license_gate.model import Kind

    candidate = literals.judge(text, literals.Context(call="from_pretrained"))
    if candidate is None:
        return None
    prefix = "datasets/" if candidate.kind is Kind.DATASET else ""
    return candidate.ecosystem, prefix + candidate.name, pinned or None


def _ollama_model_exists(subject: str) -> bool:
    from license_gate.extract._ids import is_ollama_name, ollama_name
    from license_gate.model import Kind
    from license_gate.resolve import catalog

    return (is_ollama_name(subject) and ":" not in subject
            and catalog.lookup("ollama", ollama_name(subject), Kind.MODEL) is not None)


def run_explain(args: argparse.Namespace) -> int:
    from license_gate.knowledge import terms
    from license_gate.knowledge.hf import from_claim
    from license_gate.model import Kind, Place, Reference, Resolution
    from license_gate.report.explain import explain_to_dict, format_explain

    subject = args.subject
    target = _explain_target(subject)
    if target is None:
        mapped = from_claim(subject)
        if mapped.expression is None:
            why = f" ({mapped.note})" if mapped.note else ""
            print(f"license-gate: {subject!r} is not a known licence id, Hub licence slug or link, "
                  f"Hub id, Ollama name or package URL{why}", file=sys.stderr)
            if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*(==[^\s]+)?", subject):
                name, _, version = subject.partition("==")
                purl = f"pkg:pypi/{name}" + (f"@{version}" if version else "")
                print(f"  for the Python package, write: license-gate explain {purl}\n"
                      f"  for a Hub repository, write its full id: license-gate explain "
                      f"<owner>/{name}", file=sys.stderr)
            return EXIT_USAGE
        symbols = terms.symbols(mapped.expression)
        reading = f"licence, read as {mapped.how}" + (f" (source: {mapped.source})"
                                                      if mapped.source else "")
        notes = []
        if _ollama_model_exists(subject):
            notes.append(f"for the Ollama model of that name, run: license-gate explain "
                         f"ollama:{subject}")
        facts = [terms.facts_of(k) for k in symbols]
        if args.format == "json":
            _write_json(explain_to_dict(subject, reading, mapped.expression, facts, notes=notes))
        else:
            sys.stdout.write(format_explain(subject, reading, mapped.expression, facts, notes=notes))
        return EXIT_OK

    from license_gate.evaluate import evaluate
    from license_gate.pipeline.judgement import choose_indexes, run_settings
    from license_gate.policy import PolicyError, load_policy
    from license_gate.resolve.ecosystems import entry_for, is_package

    ecosystem, name, version = target
    options = check_options(args)
    try:
        policy = load_policy(args.policy, Path.cwd(), cache_dir=options.cache_dir,
                             offline=args.offline)
    except PolicyError as exc:
        print(f"license-gate: invalid policy: {exc}", file=sys.stderr)
        return EXIT_USAGE
    place = Place("<command line>")
    notes = []
    indexes = None
    if is_package(ecosystem):
        ref = Reference(ecosystem, name, place, version=version,
                        specifier=f"=={version}" if version else "")
        indexes, notes = choose_indexes(options, (), Path.cwd())
        if indexes and not args.offline:
            notes.insert(0, f"package index: {indexes.describe()}")
    else:
        kind = Kind.MODEL
        if ecosystem == "huggingface" and name.startswith("datasets/"):
            kind, name = Kind.DATASET, name.removeprefix("datasets/")
        ref = Reference(ecosystem, name, place, kind=kind, revision=version)
    # the resolver check would use for this ecosystem, with the same settings
    resolver = entry_for(ecosystem).build(run_settings(options, indexes))
    (resolved,) = resolver.resolve([ref])
    notes += resolver.notes
    # Judged as check would judge it, so explain answers "what will the gate say" too.
    report = evaluate(policy, [resolved], offline=args.offline, notes=notes)
    (result,) = report.components
    findings = [f for f in report.findings if f.component == resolved.component.purl]
    keys: dict[str, None] = {}
    outcome = resolved.outcome
    if isinstance(outcome, Resolution):
        keys.update(dict.fromkeys(terms.symbols(outcome.expression)))
    for hop in resolved.lineage:
        if hop.license:
            keys.update(dict.fromkeys(terms.symbols(hop.license)))
    reading = f"{'dataset' if resolved.component.kind is Kind.DATASET else ecosystem} component"
    facts = [terms.facts_of(k) for k in keys]
    if args.format == "json":
        _write_json(explain_to_dict(subject, reading, None, facts, result=result, findings=findings,
                                    policy_sources=report.policy_sources, notes=notes))
    else:
        sys.stdout.write(format_explain(subject, reading, None, facts, component=resolved,
                                        notes=notes, result=result, findings=findings,
                                        policy_sources=report.policy_sources))
    return EXIT_OK if isinstance(outcome, Resolution) else EXIT_VIOLATIONS


def _write_json(data: dict[str, object]) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
