"""`thaiplan synth`: write a synthetic national-scale graph that follows the ontology and passes the shapes.

The graph is for benchmarks and load tests: Thailand's ~8,000 agencies, the plan hierarchy from the
National Strategy down to tens of thousands of projects, indicators with yearly targets and observations.
It is deterministic for a seed (same arguments → byte-identical output) and written as a stream.

Synthetic instances live under their own base, `https://w3id.org/thaiplan/id/synth/` (`--base`), and in
N-Quads in the named graph `https://w3id.org/thaiplan/graph/synth`. Their passages quote synthetic source
documents (`<base>source/…`) that have no text: a build must not run the quote check on them.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from thaiplan.errors import InputError, ThaiplanError
from thaiplan.graph.synth.model import generate
from thaiplan.graph.synth.sizes import (
    AGENCY_TRIPLES,
    DEFAULT_YEARS,
    FIRST_YEAR_BE,
    NATIONAL_AGENCIES,
    PER_PROJECT,
    PER_PROJECT_YEAR,
    Sizes,
    count_triples,
    shape_of,
    sizes_for_triples,
)
from thaiplan.graph.synth.terms import SYNTH_BASE, SYNTH_GRAPH, check_base
from thaiplan.graph.synth.write import FORMATS, chunks_for, format_for, open_output, write

DEFAULT_PROJECTS = 10_000
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the `synth` command (`add`: thaiplan.cli.add_command)."""
    parser = add(
        "synth",
        run,
        help="write a synthetic national-scale graph (for benchmarks), deterministic for a seed",
        description="Write a synthetic graph of Thai plans at national scale: ministries, departments and "
        "local administrations; the National Strategy, master plans, sub-plans, tactics and agency action "
        "plans; projects supporting tactics and goals; indicators with yearly targets and observations whose "
        "status agrees with them; for every project its alignment levels and, per fiscal year, a budget, a "
        "progress report with a milestone and an assessment; provenance to synthetic source documents. It "
        "follows the ontology and "
        f"passes the SHACL shapes. Instances are under {SYNTH_BASE} and, in N-Quads, in the graph "
        f"{SYNTH_GRAPH}. Triples ≈ {AGENCY_TRIPLES} × agencies + ({PER_PROJECT} + "
        f"{PER_PROJECT_YEAR} × years) × projects + a plan skeleton; "
        "--triples picks the sizes for a target. The triple count is printed at the end. Exit 2 on bad "
        "arguments.",
    )
    parser.add_argument(
        "--agencies",
        metavar="N",
        help=f"agencies in all (default: {NATIONAL_AGENCIES:,}, Thailand's 20 ministries, ~300 departments "
        "and ~7,800 local administrations; with --triples: scaled to the size)",
    )
    parser.add_argument("--projects", metavar="M", help=f"projects (default: {DEFAULT_PROJECTS:,})")
    parser.add_argument(
        "--years",
        metavar="Y",
        help=f"years of targets and observations from B.E. {FIRST_YEAR_BE} (1-20, default: {DEFAULT_YEARS})",
    )
    parser.add_argument("--seed", metavar="S", help="random seed (default: 1); same seed, same bytes")
    parser.add_argument(
        "--triples",
        metavar="T",
        help="aim at about T triples (k and M suffixes allowed: 100k, 1M, 10M); picks --projects (and "
        "--agencies unless given)",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write here (.nt, .nq, .ttl, optionally .gz; default: stdout)",
    )
    parser.add_argument("--format", metavar="FMT", help=f"{', '.join(FORMATS)} (default: from FILE, else nt)")
    parser.add_argument(
        "--base", metavar="IRI", default=SYNTH_BASE, help=f"base IRI of instances (default: {SYNTH_BASE})"
    )


def parse_count(name: str, text: str | None, default: int | None = None) -> int | None:
    """A whole number from an argument (digits, optional _ or , separators, optional k/M/G suffix)."""
    if text is None:
        return default
    match = re.fullmatch(r"\s*(\d[\d_,]*)\s*([kKmMgG]?)\s*", text)
    if not match:
        raise InputError(f"{name} must be a whole number (such as 1000, 100k or 1M), not {text!r}")
    return int(match.group(1).replace("_", "").replace(",", "")) * _MULTIPLIERS[match.group(2).lower()]


def sizes_from(args: argparse.Namespace) -> Sizes:
    """The sizes the arguments ask for, checked; --triples picks the project count."""
    agencies = parse_count("--agencies", args.agencies)
    years = parse_count("--years", args.years, DEFAULT_YEARS)
    seed = parse_count("--seed", args.seed, 1)
    triples = parse_count("--triples", args.triples)
    assert years is not None and seed is not None
    if triples is not None:
        if args.projects is not None:
            raise InputError(
                "give --triples or --projects, not both (--triples picks the number of projects)"
            )
        return sizes_for_triples(triples, years, seed, agencies)
    projects = parse_count("--projects", args.projects, DEFAULT_PROJECTS)
    assert projects is not None
    sizes = Sizes(agencies if agencies is not None else NATIONAL_AGENCIES, projects, years, seed)
    sizes.check()
    return sizes


def run(args: argparse.Namespace) -> int:
    """Generate the graph, stream it to the output, and report its size and speed."""
    sizes = sizes_from(args)
    base = check_base(args.base)
    fmt = format_for(args.output, args.format)
    expected = count_triples(sizes)
    counter = [0]
    started = time.perf_counter()
    with open_output(args.output) as out:
        written = write(chunks_for(fmt, generate(sizes, base), counter, base), out)
        if counter[0] != expected:  # a bug: the formula and the generator drifted apart; keep no file
            raise ThaiplanError(
                f"internal error: wrote {counter[0]} triples, the size formula says {expected}"
            )
    elapsed = time.perf_counter() - started
    report = sys.stderr if args.output is None else sys.stdout
    print(summary(sizes, counter[0], written, elapsed, fmt, args.output), file=report)
    return 0


def summary(sizes: Sizes, triples: int, written: int, elapsed: float, fmt: str, output: Path | None) -> str:
    """One paragraph: the triple count first, then what the graph holds and how fast it was written."""
    shape = shape_of(sizes)
    last = FIRST_YEAR_BE + sizes.years - 1
    rate = triples / elapsed if elapsed > 0 else float("inf")
    where = str(output) if output is not None else "standard output"
    return (
        f"{triples} triples\n"
        f"  agencies: {sizes.agencies:,} ({shape.ministries} ministries, {shape.departments:,} departments, "
        f"{shape.locals:,} local administrations)\n"
        f"  plans: the National Strategy (6 strategies), {shape.master_plans} master plans, "
        f"{shape.subplans} sub-plans, {shape.tactics:,} tactics, {shape.departments:,} agency action plans\n"
        f"  projects: {sizes.projects:,}; years: {sizes.years} (B.E. {FIRST_YEAR_BE}-{last}); "
        f"seed: {sizes.seed}\n"
        f"  wrote {written:,} bytes of {fmt} to {where} in {elapsed:.2f} s ({rate:,.0f} triples/s)"
    )
