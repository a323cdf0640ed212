"""The rule catalog as Markdown (``docs/rules.md``), generated from the registry.

``python -m credls.report.rules_doc > docs/rules.md`` regenerates it; a test
keeps the committed file in step with the registry. Each rule's heading gives
the anchor that ``Rule.url`` (and so LSP ``codeDescription`` and SARIF
``helpUri``) links to.
"""

from __future__ import annotations

from credls.rules.registry import Rule, all_rules

_FAMILIES = (
    ("CRED0", "CRED0xx — credls itself"),
    ("CRED1", "CRED1xx — file format (credentials and config files)"),
    ("CRED2", "CRED2xx — profiles and resolution"),
    ("CRED3", "CRED3xx — security"),
    ("CRED4", "CRED4xx — cmdlet usage (PowerShell)"),
)


def _example(text: str, language: str) -> list[str]:
    return [f"```{language}", text.rstrip("\n"), "```"]


def _rule(r: Rule) -> list[str]:
    tags = f" · tags: {', '.join(t.value for t in r.tags)}" if r.tags else ""
    return [
        f"### {r.code} {r.name}",
        "",
        f"Default severity: **{r.severity.value}**{tags}. {r.summary}",
        "",
        r.doc,
        "",
        "Bad:",
        "",
        *_example(r.bad, r.example_language),
        "",
        "Good:",
        "",
        *_example(r.good, r.example_language),
        "",
    ]


def render() -> str:
    rules = all_rules()
    out = [
        # The catalog shows deliberately bad examples: keep credls quiet on them.
        "<!-- credls: ignore-file -->",
        "# credls rules",
        "",
        "Generated from the rule registry by `python -m credls.report.rules_doc`; "
        "`credls rules` prints the same catalog, `credls rules CODE` one rule. Codes are "
        "stable: a code never changes meaning, and retired codes are not reused. Select, "
        "ignore or re-grade rules by code, code prefix or name in `.credls.toml`.",
        "",
        "| code | name | default severity | summary |",
        "|---|---|---|---|",
    ]
    for r in rules:
        summary = r.summary.replace("|", "\\|")
        link = f"[{r.code}](#{r.code.lower()}-{r.name})"
        out.append(f"| {link} | {r.name} | {r.severity.value} | {summary} |")
    out.append("")
    for prefix, title in _FAMILIES:
        family = [r for r in rules if r.code.startswith(prefix)]
        if family:
            out += [f"## {title}", ""]
            for r in family:
                out += _rule(r)
    return "\n".join(out)


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
