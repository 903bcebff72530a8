"""The Hugging Face Hub API: ``{HF_ENDPOINT}/api/models/{id}`` (and ``/api/datasets/``),
pinned with ``/revision/{rev}`` when the reference pins one.

The licence comes from ``cardData.license`` (``license_name``/``license_link`` for
``other``), else from ``license:`` tags; a body may have no ``cardData`` at all. Bases come
from ``cardData.base_model`` and from ``base_model:<id>`` / ``base_model:<relation>:<id>``
tags, which the Hub writes with the *current* name of a renamed base while the card keeps
the name its author typed; the resolver merges the two once both are fetched.

What the real Hub answers (recorded in huggingface_hub's public test cassettes, and its
error handling in ``utils/_http.py``):
- a gated repository answers 200 with its full card to anyone; only the files are gated;
- without a token, a private *or missing* repository answers 401 (with a token, 404), and
  a token the Hub rejects answers 401 with ``X-Error-Message: Invalid credentials...``;
- a legacy id answers 307 to its new name, keeping ``/revision/...`` and the query, or 200
  under the old name with the same ``_id``, which is kept as the repository's identity.

The token is sent only to the configured endpoint (the client drops it on a redirect to
another host) and never printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from license_gate.extract._common import string_list
from license_gate.model import Cause, Kind, Unresolved
from license_gate.resolve.http import Denied, Fetched, HttpSettings, JsonClient, NotFound

DEFAULT_HF_ENDPOINT = "https://huggingface.co"
_RELATIONS = ("adapter", "merge", "quantized", "finetune")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


def hf_endpoint_from_env() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_HF_ENDPOINT).rstrip("/")


def is_commit(revision: str | None) -> bool:
    return bool(revision and _COMMIT.match(revision))


@dataclass(frozen=True)
class HubCard:
    """What the Hub says about one repository, reduced to what a licence gate needs."""

    repo_id: str
    kind: Kind
    licenses: tuple[str, ...]
    license_name: str | None
    license_link: str | None
    license_field: str  # cardData.license | tags
    bases: tuple[tuple[str, str], ...]  # (id, relation)
    gated: str | None  # None, "auto" or "manual"
    sha: str | None
    url: str
    # The Hub's ``_id``: the same for a repository under its legacy and its current name.
    uid: str | None = None

    @property
    def identity(self) -> str:
        return self.uid or self.repo_id.lower()

    def to_json(self) -> dict[str, Any]:
        return {
            "repo_id": self.repo_id, "kind": self.kind.value, "licenses": list(self.licenses),
            "license_name": self.license_name, "license_link": self.license_link,
            "license_field": self.license_field, "bases": [list(b) for b in self.bases],
            "gated": self.gated, "sha": self.sha, "url": self.url, "uid": self.uid,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HubCard:
        return cls(
            str(data["repo_id"]), Kind(data["kind"]), tuple(data["licenses"]),
            data.get("license_name"), data.get("license_link"), str(data["license_field"]),
            tuple((str(b[0]), str(b[1])) for b in data["bases"]), data.get("gated"),
            data.get("sha"), str(data["url"]), data.get("uid"),
        )


def parse_card(data: dict[str, Any], kind: Kind, requested: str, url: str) -> HubCard:
    raw_card = data.get("cardData")
    card: dict[str, Any] = raw_card if isinstance(raw_card, dict) else {}
    tags = string_list(data.get("tags"))
    licenses = string_list(card.get("license"))
    field = "cardData.license"
    if not licenses:
        licenses = [t.split(":", 1)[1] for t in tags if t.startswith("license:")]
        field = "tags"
    bases: list[tuple[str, str]] = []
    relation = card.get("base_model_relation")
    card_relation = relation if relation in _RELATIONS else "base"
    for base in string_list(card.get("base_model")):
        bases.append((base, card_relation))
    for tag in tags:
        if not tag.startswith("base_model:"):
            continue
        parts = tag.split(":")
        # base_model:<id> or base_model:<relation>:<id>
        if len(parts) == 3 and parts[1] in _RELATIONS:
            base, rel = parts[2], parts[1]
        elif len(parts) == 2:
            base, rel = parts[1], "base"
        else:
            continue
        known = {b for b, _ in bases}
        if base not in known:
            bases.append((base, rel))
        elif rel != "base":
            bases = [(b, rel if b == base and r == "base" else r) for b, r in bases]
    gated = data.get("gated")
    repo_id = data.get("id") or data.get("modelId") or requested
    return HubCard(
        repo_id=str(repo_id), kind=kind, licenses=tuple(licenses),
        license_name=card.get("license_name") if isinstance(card.get("license_name"), str) else None,
        license_link=card.get("license_link") if isinstance(card.get("license_link"), str) else None,
        license_field=field, bases=tuple(bases),
        gated=gated if isinstance(gated, str) else None,
        sha=data.get("sha") if isinstance(data.get("sha"), str) else None, url=url,
        uid=data.get("_id") if isinstance(data.get("_id"), str) else None,
    )


class HubClient(JsonClient):
    def __init__(self, endpoint: str, settings: HttpSettings | None = None,
                 token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        super().__init__(endpoint, settings, headers=headers)
        self.has_token = bool(token)

    def api_url(self, kind: Kind, repo_id: str, revision: str | None) -> str:
        section = "datasets" if kind is Kind.DATASET else "models"
        url = f"{self.base_url}/api/{section}/{repo_id}"
        if revision:
            url += f"/revision/{quote(revision, safe='')}"
        return url

    def card(self, kind: Kind, repo_id: str, revision: str | None) -> HubCard | Unresolved:
        url = self.api_url(kind, repo_id, revision)
        result = self.get_json(url)
        if isinstance(result, Fetched):
            return parse_card(result.data, kind, repo_id, url)
        if isinstance(result, NotFound):
            visible = "" if not self.has_token else ", or private and not shared with this token"
            return Unresolved(f"not found on the Hub: {repo_id} answered 404 (deleted or "
                              f"renamed without a redirect{visible})", Cause.NOT_FOUND)
        if isinstance(result, Denied):
            if result.code == "GatedRepo":
                what = "gated, and this token has not been granted access"
            elif result.status == 401 and self.has_token:
                what = "refused with this token (" + (result.message or "invalid credentials") + ")"
            elif result.status == 401:
                # The Hub answers 401 to an anonymous request for a private repository and
                # for one that does not exist, alike.
                what = ("private or missing (the Hub answers 401 to anonymous requests for "
                        "both); set HF_TOKEN to a token that can read it")
            else:
                what = "forbidden to this token" + (f" ({result.message})" if result.message else "")
            return Unresolved(f"the Hub refused {repo_id} (HTTP {result.status}): {what}",
                              Cause.ACCESS)
        return Unresolved(f"network: {result.reason} ({url})", Cause.NETWORK)

    def cards(self, requests: Sequence[tuple[Kind, str, str | None]]) -> list[HubCard | Unresolved]:
        results: list[HubCard | Unresolved] = []
        if len(requests) <= 1:
            return [self.card(*r) for r in requests]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, min(self.settings.jobs, len(requests)))) as pool:
            results.extend(pool.map(lambda r: self.card(*r), requests))
        return results
