"""Core metadata licence fields -> one licence outcome, in PEP 639 order of trust:
``License-Expression``, then ``License``, then the licence classifiers."""

from __future__ import annotations

from license_gate.knowledge import licensing
from license_gate.knowledge.normalize import from_classifiers, normalize
from license_gate.model import Cause, Evidence, Outcome, Resolution, Unresolved
from license_gate.resolve.interface import RawMetadata

_HOW = {
    "alias": "free-text name normalised",
    "compound": "free-text names normalised",
    "text": "recognised pasted licence text",
}


def outcome_from_metadata(meta: RawMetadata, source: str, url: str | None = None) -> Outcome:
    tried: list[Evidence] = []
    if meta.license_expression and meta.license_expression.strip():
        raw = meta.license_expression.strip()
        parsed = licensing.try_parse(raw, allow_custom_refs=True)
        if parsed is not None:
            return Resolution(
                licensing.render(parsed), (Evidence(source, "License-Expression", raw, url=url),)
            )
        tried.append(Evidence(source, "License-Expression", raw, "not a valid SPDX expression", url))
    if meta.license and meta.license.strip():
        result = normalize(meta.license)
        if result.expression:
            note = _HOW.get(result.how)
            return Resolution(
                result.expression,
                (*tried, Evidence(source, "License", meta.license.strip(), note, url)),
            )
        if result.how == "unknown":
            tried.append(Evidence(source, "License", meta.license.strip(), "not recognised", url))
    if meta.classifiers:
        result, used = from_classifiers(list(meta.classifiers))
        if result.expression:
            note = "several classifiers, all must be allowed" if len(used) > 1 else None
            return Resolution(
                result.expression, (*tried, Evidence(source, "classifier", "; ".join(used), note, url))
            )
        if used:
            tried.append(Evidence(source, "classifier", "; ".join(used), "not specific enough", url))
    if tried:
        shown = "; ".join(f"{e.field} {e.raw[:80]!r}" for e in tried)
        return Unresolved(f"licence not recognised ({shown})", Cause.UNRECOGNISED, tuple(tried))
    return Unresolved("the metadata states no licence", Cause.NO_LICENSE,
                      (Evidence(source, "metadata", "", url=url),))
