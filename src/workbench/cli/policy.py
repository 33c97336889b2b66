"""``workbench`` commands: The project policy: which tools and models a project allows."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.errors import UsageError


def _names(value: str, *, everything: str) -> list[str] | None:
    """``a,b`` -> ["a", "b"]; the word ``everything`` ("any" / "none") -> None / []."""
    if value.strip().lower() == everything:
        return None if everything == "any" else []
    return [v.strip() for v in value.split(",") if v.strip()]


def _print_policy(policy: Any) -> None:
    tools = "any" if policy.allowed_tools is None else ", ".join(policy.allowed_tools) or "none"
    models = "any" if policy.allowed_models is None else ", ".join(policy.allowed_models) or "none"
    print(f"allowed tools:       {tools}")
    print(f"allowed models:      {models}")
    print(f"undisclosed models:  {'allowed' if policy.allow_undisclosed else 'refused'}")
    print(f"sign-off required:   {', '.join(policy.signoff_required) or 'none'}")
    likeness = {None: "on with a cast (default)", True: "on", False: "off"}
    print(f"likeness consent:    {likeness[policy.likeness_consent]}")


def cmd_policy_show(args: argparse.Namespace) -> int:
    from workbench.project import Project

    with Project.open(Path(args.project), readonly=True) as project:
        policy = project.policy()
    if args.json:
        print(policy.model_dump_json(indent=2))
    else:
        _print_policy(policy)
    return 0


def cmd_policy_set(args: argparse.Namespace) -> int:
    from workbench.project import Project
    from workbench.tools.registry import all_tools

    known = {t.id for t in all_tools()}
    with Project.open(Path(args.project)) as project:
        change: dict[str, Any] = {}
        if args.tools is not None:
            change["allowed_tools"] = _names(args.tools, everything="any")
        if args.models is not None:
            change["allowed_models"] = _names(args.models, everything="any")
        if args.undisclosed is not None:
            change["allow_undisclosed"] = args.undisclosed == "allow"
        if args.signoff is not None:
            change["signoff_required"] = _names(args.signoff, everything="none")
        if args.likeness is not None:
            change["likeness_consent"] = {"on": True, "off": False, "auto": None}[args.likeness]
        for tool in (change.get("allowed_tools") or []) + change.get("signoff_required", []):
            if tool not in known:
                raise UsageError(
                    f"unknown tool {tool!r}", hint=f"the tools are: {', '.join(sorted(known))}"
                )
        if not change:
            raise UsageError(
                "nothing to change",
                hint="give --tools, --models, --undisclosed, --signoff or --likeness",
            )
        policy = project.policy().model_copy(update=change)
        project.set_policy(policy)
        print(f"policy of {project.name} changed (logged):")
    _print_policy(policy)
    return 0


def register(sub: Any) -> None:
    pol = sub.add_parser("policy", help="which tools and models a project allows").add_subparsers(
        dest="policy_command", metavar="ACTION", required=True
    )
    p = pol.add_parser("show", help="the project's policy")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_policy_show)
    p = pol.add_parser("set", help="change the policy (the change is logged)")
    p.add_argument("project")
    p.add_argument("--tools", metavar="a,b|any", help="the tools allowed")
    p.add_argument("--models", metavar="a,b|any", help="model ids or SHA-256 digests allowed")
    p.add_argument("--undisclosed", choices=("allow", "refuse"), help="models without a card")
    p.add_argument("--signoff", metavar="a,b|none", help="tools whose edits need sign-off")
    p.add_argument(
        "--likeness",
        choices=("on", "off", "auto"),
        help="an AI edit on a shot featuring a performer needs their consent (auto: on with a "
        "cast)",
    )
    p.set_defaults(func=cmd_policy_set)
