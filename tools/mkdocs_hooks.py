"""MkDocs hooks of the docs site (``mkdocs.yml``; issue 20).

- The repository's README.md is the site's home page (``index.md``), generated at build time.
- A link from a page to a file outside docs/ (``../tla/README.md``, ``tests/...``) cannot work
  on the site: it becomes its text followed by the path in code, so the reader still knows
  where to look. A link to a folder of docs/ goes to its README.md or index.md (else its first
  page).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")


def _target(doc_rel: str, href: str) -> str:
    """``href`` (relative to the page ``doc_rel`` under docs/) rewritten for the site."""
    if re.match(r"^[a-z]+:|^#|^/", href):
        return href
    path, _, frag = href.partition("#")
    base = posixpath.dirname(doc_rel)
    full = posixpath.normpath(posixpath.join(base, path)) if path else doc_rel
    if full.startswith("../") or full == "..":
        return ""  # outside docs/
    target = DOCS / full
    if target.is_dir():
        for name in ("README.md", "index.md"):
            if (target / name).exists():
                full = posixpath.join(full, name)
                break
        else:
            pages = sorted(target.glob("*.md"))
            if not pages:
                return ""
            full = posixpath.join(full, pages[0].name)
    elif not target.exists():
        if (ROOT / full).exists():  # the home page (README.md) names repository paths
            return ""
        return href  # left as written: the check reports it
    rel = posixpath.relpath(full, base or ".")
    return rel + (f"#{frag}" if frag else "")


def rewrite(markdown: str, doc_rel: str) -> str:
    """Every relative link of a page, made to work on the site (see the module docstring)."""

    def one(m: re.Match[str]) -> str:
        bang, text, href = m.groups()
        new = _target(doc_rel, href)
        if new:
            return f"{bang}[{text}]({new})"
        where = posixpath.normpath(posixpath.join(posixpath.dirname(doc_rel), href))
        where = where.replace("../", "").strip("/")
        return f"{text} (`{where}`)" if text.strip("`") != where else f"`{where}`"

    return LINK.sub(one, markdown)


def on_files(files: Files, config: Any) -> Files:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    readme = re.sub(r"\]\(docs/", "](", readme)
    files.append(File.generated(config, "index.md", content=readme))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    return rewrite(markdown, page.file.src_uri)
