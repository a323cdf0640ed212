"""Hover in PowerShell scripts: on a profile name, and on an AWS cmdlet call.

On a profile name (``-ProfileName``/``-SourceProfile``/``-StoreAs`` literal,
positional, splatted or defaulted): the profile report of ``hover.profile_report``
for the stores that call searches (``-ProfileLocation`` respected), plus the
script call that creates it when the script does. On any other part of an AWS
call: the credential search that call follows (``CallInfo.resolution``), each
step found / not found / skipped / depending on the machine, and the winner,
with the module version and platform it is modelled for and where the version
came from. Everything comes from the core's script model; nothing here reveals
a secret (the resolver masks key IDs and never carries secret values).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from credls.server.features.common import code, md_escape
from credls.server.scripts import view_for

if TYPE_CHECKING:
    from credls.navigation import Occurrence
    from credls.powershell.flow import Effect
    from credls.powershell.script import CallInfo, ScriptModel
    from credls.resolver import Resolution, Step
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import Snapshot
    from credls.text import Position, Range

_STATUS = {
    "found": "✓ found",
    "not_found": "✗ not found",
    "skipped": "– skipped",
    "depends_on_environment": "? depends on the machine",
}


def script_hover(
    ls: CredlsLanguageServer, snap: Snapshot, pos: Position
) -> tuple[str, Range] | None:
    """Worker thread: the hover text and range at ``pos`` in a script."""
    view = view_for(ls, snap)
    if view is None:
        return None
    hit = view.occurrence_at(pos)
    if hit is not None:
        occ, info = hit
        return _profile_hover(ls, snap, view.model, occ, info), occ.literal or occ.range
    call_info = view.model.info_at(pos)
    if call_info is None:
        return None
    name = call_info.call.name_range
    rng = name if name.start <= pos <= name.end else call_info.call.range
    return call_report(call_info), rng


def creation_before(model: ScriptModel, name: str, before: CallInfo) -> CallInfo | None:
    """The last call up to ``before`` that creates or copies to profile ``name``."""
    from credls.powershell.flow import EffectKind

    found = None
    for info in model.infos:
        if info.call.range.start > before.call.range.start:
            break
        eff = info.effect
        if (
            eff is not None
            and eff.kind in (EffectKind.CREATE, EffectKind.COPY)
            and eff.name == name
            and not eff.dynamic
        ):
            found = info
    return found


def _profile_hover(
    ls: CredlsLanguageServer,
    snap: Snapshot,
    model: ScriptModel,
    occ: Occurrence,
    info: CallInfo,
) -> str:
    from credls.server.features.hover import profile_report

    if occ.name is None:
        return (
            "**Profile name known only at run time**\n\n"
            f"{md_escape(occ.reason or 'a run-time value')}: which store supplies it "
            "depends on the value the script computes."
        )
    ws = ls.workspace_for(snap)
    notes = []
    location = info.location
    path = location.path if location is not None else None
    if location is not None and path is None:
        notes.append(
            f"`-ProfileLocation` is known only at run time ({md_escape(location.reason or '')}): "
            "the default stores are shown."
        )
    maker = creation_before(model, occ.name, info)
    created = None
    if maker is not None:
        line = maker.call.range.start.line + 1
        created = f"Created by this script: {code(maker.call.written_name)} on line {line}."
    chain = ws.chain
    if chain is None:
        return f"**Profile {code(occ.name)}**\n\nNo store is configured."
    text = profile_report(ws.settings, chain, occ.name, path, created)
    if created and created not in text:
        notes.append(created)
    return "\n\n".join([text, *notes])


def _effect_text(eff: Effect) -> str | None:
    from credls.powershell.flow import EffectKind

    name = code(eff.name) if eff.name else "a profile named at run time"
    where = f" in {code(eff.location.path)}" if eff.location and eff.location.path else ""
    if eff.kind is EffectKind.CREATE:
        return f"Writes profile {name}{where}."
    if eff.kind is EffectKind.COPY:
        source = code(eff.source) if eff.source else "a profile named at run time"
        return f"Copies profile {source} to {name}{where}."
    if eff.kind is EffectKind.REMOVE:
        return f"Removes profile {name}{where} from the first store that has it."
    if eff.kind is EffectKind.SESSION:
        return "Sets the shell credentials ($StoredAWSCredentials) for the calls after it."
    if eff.kind is EffectKind.CLEAR_SESSION:
        return "Clears the shell credentials."
    if eff.kind is EffectKind.CLEAR_DEFAULTS:
        return "Clears the shell credentials and the default profile."
    return None


def _step_line(i: int, step: Step, winner: Step | None) -> str:
    status = _STATUS.get(step.status.value, step.status.value)
    text = f"{i}. {md_escape(step.description)} — {status}"
    if step.store:
        where = f" {code(step.location)}" if step.location else ""
        line = f" line {step.line}" if step.line else ""
        text += f": {step.store}{where}{line}"
    if step.note:
        text += f" ({md_escape(step.note)})"
    if step is winner:
        text += " **← wins**"
    return text


def resolution_report(res: Resolution) -> list[str]:
    out = [_step_line(i, s, res.winner) for i, s in enumerate(res.steps, 1)]
    if res.winner is not None:
        n = res.steps.index(res.winner) + 1
        out.append(f"\n**Credentials from step {n}:** {md_escape(res.winner.description)}")
        if not res.certain:
            out.append(
                "\nAn earlier step depends on the machine the script runs on: "
                "where it finds credentials, it wins instead."
            )
    elif res.error:
        out.append(f"\n**The call fails:** {md_escape(res.error)}")
    else:
        out.append("\nNo step certainly supplies credentials: it depends on the machine.")
    return out


def call_report(info: CallInfo) -> str:
    """Markdown for a call: the credential search it follows, or what it changes."""
    call = info.call
    head = f"**{code(call.written_name)}** · {call.cmdlet.module}"
    if call.alias:
        head += f" (alias of {code(call.name)})"
    out = [head]
    res = info.resolution
    effect = _effect_text(info.effect) if info.effect is not None else None
    if res is None:
        out.append(f"\n{code(call.name)} does not look up credentials.")
        if effect:
            out.append(f"\n{effect}")
        return "\n".join(out)
    out.append(
        f"\n**Credential search** for {info.platform.value}, {md_escape(info.module.describe())}:\n"
    )
    out.extend(resolution_report(res))
    if effect:
        out.append(f"\n{effect}")
    return "\n".join(out)
