"""Where to learn about this copy of license-gate: the ``Project-URL`` its packaging
declares (``[project.urls]`` in pyproject.toml). A fork or an internal mirror that
publishes the tool sets its own there, and reports (SARIF's ``informationUri``) follow;
with none declared, reports carry none rather than a guessed address."""

from __future__ import annotations

from functools import cache

# Which declared URL tells a reader most about the tool, best first (case-insensitive,
# as PEP 753 normalises labels: "Home-page", "homepage" and "Homepage" are one).
_LABELS = ("homepage", "documentation", "repository", "source")


@cache
def home_url() -> str | None:
    from importlib import metadata

    try:
        declared = metadata.metadata("license-gate").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:  # run from a source tree, not installed
        return None
    urls: dict[str, str] = {}
    for entry in declared:
        label, _, url = entry.partition(",")
        key = "".join(c for c in label.lower() if c.isalnum())
        url = url.strip()
        if url.startswith(("https://", "http://")):
            urls.setdefault(key, url)
    return next((urls[k] for k in _LABELS if k in urls), None)
