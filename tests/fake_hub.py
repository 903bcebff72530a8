"""A fake Hugging Face Hub API: a real, threaded HTTP server on 127.0.0.1, reached through
HF_ENDPOINT, answering as the real Hub does.

The shapes follow real responses recorded in the public test cassettes of the
``huggingface_hub`` library (``tests/cassettes/*.yaml`` in its history: model_info bodies
for 38 ids, 307 redirects of legacy ids, gated repositories) and that library's error
handling (``utils/_http.py``):

- a body carries ``_id`` (the repository's identity, kept across renames), ``id``,
  ``modelId`` (models), ``sha``, ``gated`` (false, "auto" or "manual"), ``tags`` and
  ``cardData`` **unless the repository has no card metadata, when the key is absent**;
- the tags repeat the card: one ``license:<id>`` per licence, and each base twice, as
  ``base_model:<id>`` and ``base_model:<relation>:<id>`` (``finetune`` unless the card
  says another relation), always with the base's *current* name, even where the card's
  ``base_model`` keeps a renamed base's old one;
- a gated repository answers 200 with its full card to anyone, token or not;
- without a token, a private or missing repository answers 401; with a token, a missing
  one (or a private one the token cannot see) answers 404 ``X-Error-Code: RepoNotFound``;
  a token the Hub does not know answers 401 ``X-Error-Message: Invalid credentials in
  Authorization header``;
- a legacy id answers 307 to its current name, keeping ``/revision/...`` and the query,
  or (as ``gpt2`` did) 200 under the old name with the current repository's ``_id``.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from werkzeug import Request, Response

from tests.loopback import LoopbackServer

_RELATIONS = ("adapter", "merge", "quantized", "finetune")
# Tokens the fake Hub knows; any other bearer token is refused as the real Hub refuses it.
KNOWN_TOKENS = ("hf_secret_123", "hf_secret_456", "hf_reader")


def object_id(repo_id: str) -> str:
    """A 24-hex-digit id in the shape of the Hub's ``_id``, stable per repository."""
    return hashlib.sha1(repo_id.lower().encode()).hexdigest()[:24]


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class FakeHub(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.repos: dict[tuple[str, str], dict[str, Any]] = {}
        self.private: set[tuple[str, str]] = set()
        self.forbidden: set[tuple[str, str]] = set()
        # old name -> current name (or a full URL elsewhere), answered with 307
        self.redirects: dict[str, str] = {}
        # old name -> current name, answered with 200 under the old name
        self.aliases: dict[str, str] = {}
        self.auth: list[str | None] = []
        self.tokens: set[str] = set(KNOWN_TOKENS)

    @property
    def endpoint(self) -> str:
        return self.origin

    # -- the repositories

    def current(self, name: str) -> str:
        """The name the Hub shows today for a possibly renamed repository."""
        target = self.redirects.get(name) or self.aliases.get(name)
        return target if target and not target.startswith("http") else name

    def _body(self, repo_id: str, card: dict[str, Any] | None, tags: list[str] | None,
              gated: bool | str, sha: str, dataset: bool) -> dict[str, Any]:
        author = repo_id.split("/")[0] if "/" in repo_id else None
        generated: list[str] = []
        if card:
            relation = card.get("base_model_relation")
            relation = relation if relation in _RELATIONS else "finetune"
            for base in _as_list(card.get("base_model")):
                base = self.current(base)
                generated += [f"base_model:{base}", f"base_model:{relation}:{base}"]
            generated += [f"license:{v.lower()}" for v in _as_list(card.get("license"))]
        body: dict[str, Any] = {
            "_id": object_id(repo_id),
            "id": repo_id,
            "author": author,
            "sha": sha,
            "lastModified": "2024-09-25T14:27:16.000Z",
            "private": False,
            "disabled": False,
            "gated": gated,
            "downloads": 123456,
            "likes": 321,
            "tags": list(dict.fromkeys((tags or []) + generated)),
            "siblings": [{"rfilename": ".gitattributes"}, {"rfilename": "README.md"},
                         {"rfilename": "config.json"}],
            "createdAt": "2024-07-18T08:56:00.000Z",
            "usedStorage": 16060556376,
        }
        if card is not None:
            body["cardData"] = card
        if not dataset:
            body.update({"modelId": repo_id, "library_name": "transformers",
                         "pipeline_tag": "text-generation"})
        return body

    def model(self, repo_id: str, card: dict[str, Any] | None = None, **kw: Any) -> None:
        """``card=None``: a repository without card metadata (no ``cardData`` key). Keywords:
        ``tags`` (added to the generated ones), ``gated``, ``sha``, ``private``."""
        self._add("models", repo_id, card, **kw)

    def dataset(self, repo_id: str, card: dict[str, Any] | None = None, **kw: Any) -> None:
        self._add("datasets", repo_id, card, **kw)

    def _add(self, section: str, repo_id: str, card: dict[str, Any] | None,
             tags: list[str] | None = None, gated: bool | str = False, sha: str = "a" * 40,
             private: bool = False) -> None:
        # Kept as given and turned into a body when asked, so a rename registered later
        # shows in the tags as the real Hub's would.
        self.repos[(section, repo_id)] = {"card": card, "tags": tags, "gated": gated, "sha": sha,
                                          "dataset": section == "datasets"}
        if private:
            self.private.add((section, repo_id))

    def rename(self, old: str, new: str, answer: str = "redirect") -> None:
        """``new`` was once called ``old``; the Hub answers the old name with a 307 to
        the new one (``redirect``) or with the new one's card under the old id (``alias``)."""
        (self.redirects if answer == "redirect" else self.aliases)[old] = new

    def delete(self, repo_id: str) -> None:
        self.repos.pop(("models", repo_id), None)

    # -- the server

    def observe(self, request: Request) -> None:
        with self.lock:
            self.auth.append(request.headers.get("Authorization"))

    def respond(self, request: Request, fault: str | None) -> Response:
        if fault == "429":
            return Response("rate limited", status=429, headers={"Retry-After": "0"})
        if fault == "500":
            return Response("oops", status=500)
        match = re.match(r"^/api/(models|datasets)/(.+?)((?:/revision/[^/]+)?)$", request.path)
        if not match:
            return Response("not found", status=404)
        section, repo_id, suffix = match.groups()
        revision = suffix[len("/revision/"):] if suffix else None
        auth = request.headers.get("Authorization")
        token = auth.removeprefix("Bearer ") if auth else None
        if token is not None and token not in self.tokens:
            return _error(401, None, "Invalid credentials in Authorization header")
        if section == "models" and repo_id in self.redirects:
            target = self.redirects[repo_id]
            if not target.startswith("http"):
                target = f"/api/models/{target}{suffix}"
                if request.query_string:
                    target += "?" + request.query_string.decode()
            return Response(json.dumps({"error": "redirect"}), status=307,
                            headers={"Location": target}, content_type="application/json")
        alias_of = self.aliases.get(repo_id) if section == "models" else None
        name = alias_of or repo_id
        repo = self.repos.get((section, name))
        hidden = (section, name) in self.private and token is None
        if repo is None or hidden:
            if token is None:
                # The Hub does not tell an anonymous caller whether the repository exists.
                return _error(401, None, "Invalid username or password.")
            return _error(404, "RepoNotFound", "Repository not found")
        if (section, repo_id) in self.forbidden:
            return _error(403, None, "This token does not have the permission to read the repository")
        body = self._body(name, repo["card"], repo["tags"], repo["gated"], repo["sha"], repo["dataset"])
        if alias_of:
            body["id"] = repo_id
            if "modelId" in body:
                body["modelId"] = repo_id
        if revision:
            body["sha"] = revision if len(revision) == 40 else repo["sha"]
        return Response(json.dumps(body), status=200, content_type="application/json")


def _error(status: int, code: str | None, message: str) -> Response:
    headers = {"X-Error-Message": message}
    if code:
        headers["X-Error-Code"] = code
    return Response(json.dumps({"error": message}), status=status, headers=headers,
                    content_type="application/json")
