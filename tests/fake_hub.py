"""A fake Hugging Face Hub API: a real, threaded HTTP server on 127.0.0.1, reached through
HF_ENDPOINT. Responses have the shape of ``GET /api/models/{id}`` and
``/api/datasets/{id}`` (``_id``, ``id``, ``sha``, ``gated``, ``tags``, ``cardData``,
``siblings``...), errors carry ``X-Error-Code`` as the real Hub does, and legacy ids
redirect with 307."""

from __future__ import annotations

import json
import re
from typing import Any

from werkzeug import Request, Response

from tests.loopback import LoopbackServer


def repo_json(repo_id: str, card: dict[str, Any] | None, tags: list[str] | None = None,
              gated: bool | str = False, sha: str = "a" * 40, dataset: bool = False) -> dict[str, Any]:
    author = repo_id.split("/")[0] if "/" in repo_id else None
    body: dict[str, Any] = {
        "_id": "66a0" + "0" * 20,
        "id": repo_id,
        "author": author,
        "sha": sha,
        "lastModified": "2024-09-25T14:27:16.000Z",
        "private": False,
        "disabled": False,
        "gated": gated,
        "downloads": 123456,
        "likes": 321,
        "tags": tags or [],
        "cardData": card or {},
        "siblings": [{"rfilename": "README.md"}, {"rfilename": "config.json"}],
        "createdAt": "2024-07-18T08:56:00.000Z",
        "usedStorage": 16060556376,
    }
    if not dataset:
        body.update({"modelId": repo_id, "library_name": "transformers",
                     "pipeline_tag": "text-generation", "private": False})
    return body


class FakeHub(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.repos: dict[tuple[str, str], dict[str, Any]] = {}
        self.redirects: dict[str, str] = {}
        self.auth: list[str | None] = []

    @property
    def endpoint(self) -> str:
        return self.origin

    def model(self, repo_id: str, card: dict[str, Any] | None = None, **kw: Any) -> None:
        self.repos[("models", repo_id)] = repo_json(repo_id, card, **kw)

    def dataset(self, repo_id: str, card: dict[str, Any] | None = None, **kw: Any) -> None:
        self.repos[("datasets", repo_id)] = repo_json(repo_id, card, dataset=True, **kw)

    def observe(self, request: Request) -> None:
        with self.lock:
            self.auth.append(request.headers.get("Authorization"))

    def respond(self, request: Request, fault: str | None) -> Response:
        path = request.path
        if fault == "429":
            return Response("rate limited", status=429, headers={"Retry-After": "0"})
        if fault == "500":
            return Response("oops", status=500)
        match = re.match(r"^/api/(models|datasets)/(.+?)(?:/revision/([^/]+))?$", path)
        if not match:
            return Response("not found", status=404)
        section, repo_id, revision = match.groups()
        if section == "models" and repo_id in self.redirects:
            target = self.redirects[repo_id]
            if not target.startswith("http"):
                target = f"/api/models/{target}"
            return Response("", status=307, headers={"Location": target})
        repo = self.repos.get((section, repo_id))
        if repo is None:
            return Response(json.dumps({"error": "Repository not found"}), status=404,
                            headers={"X-Error-Code": "RepoNotFound"}, content_type="application/json")
        if repo["gated"] and request.headers.get("Authorization") is None:
            return Response(json.dumps({"error": "Access to this repository is restricted."}), status=401,
                            headers={"X-Error-Code": "GatedRepo"}, content_type="application/json")
        if repo.get("private_403"):
            return Response(json.dumps({"error": "forbidden"}), status=403, content_type="application/json")
        body = dict(repo)
        if revision:
            body["sha"] = revision if len(revision) == 40 else repo["sha"]
        return Response(json.dumps(body), status=200, content_type="application/json")
