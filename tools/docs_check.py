#!/usr/bin/env python3
"""Check the built docs site (``make docs-check``; issue 20).

Usage: python tools/docs_check.py [SITE_DIR] [--screenshot PAGE.html=OUT.png ...]

Two passes over every HTML page of the site (``site/`` unless given):

1. Links and images, read from the HTML: every relative ``href`` / ``src`` must name a file of
   the site (fragments and queries aside; ``http(s):``, ``mailto:`` and ``data:`` are not
   followed: the site is built to work offline).
2. Rendering, in headless Chromium (Debian's ``chromium``): each page is loaded from the file
   system with a small script added at the end of a copy of it; once the page has loaded the
   script records every ``<img>`` that did not load or has no size (an SVG that did not
   render has none) and every inline ``<svg>`` with an empty box, and Chromium prints the final
   DOM (``--dump-dom``), from which the result is read.

Exit 0 when every page passes, 1 otherwise, with one line per problem. ``--screenshot`` saves
a picture of a page as Chromium draws it at 1280 px wide.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent

PROBE = """<script>
window.addEventListener('load', function () {
  setTimeout(function () {
    var bad = [];
    for (var i = 0; i < document.images.length; i++) {
      var im = document.images[i];
      if (!im.complete || im.naturalWidth === 0) bad.push('img ' + im.getAttribute('src'));
    }
    var svgs = document.querySelectorAll('article svg');
    for (var j = 0; j < svgs.length; j++) {
      var r = svgs[j].getBoundingClientRect();
      if (svgs[j].closest('.md-icon, .headerlink, button, label')) continue;
      if (r.width === 0 && r.height === 0 && svgs[j].getAttribute('width') !== '0')
        bad.push('inline svg #' + j);
    }
    document.body.setAttribute('data-docs-check', JSON.stringify(bad));
  }, 50);
});
</script>"""

CHECKED = re.compile(r'data-docs-check="([^"]*)"')


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ((tag == "a" and name == "href") or (tag == "img" and name == "src")
                          or (tag == "link" and name == "href")
                          or (tag == "script" and name == "src")):
                self.refs.append((tag, value))


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def check_refs(site: Path, page: Path) -> list[str]:
    """Relative links and images of ``page`` that name no file of the site."""
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    problems = []
    for tag, ref in parser.refs:
        parts = urlsplit(ref)
        if parts.scheme or ref.startswith(("#", "//")) or not parts.path:
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.exists() or not target.is_relative_to(site.resolve()):
            what = "image" if tag == "img" else "link"
            problems.append(f"{page.relative_to(site)}: broken {what} {ref}")
    return problems


def render(exe: str, page: Path, timeout: float = 60) -> list[str] | str:
    """Load a probed copy of ``page`` (next to it, so relative paths hold) in headless
    Chromium: what did not render, or an error."""
    text = page.read_text(encoding="utf-8")
    probed = page.with_name(f".docs-check-{page.name}")
    probed.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    try:
        r = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                            "--allow-file-access-from-files", "--virtual-time-budget=5000",
                            "--dump-dom", probed.as_uri()],
                           capture_output=True, text=True, timeout=timeout)
    finally:
        probed.unlink()
    m = CHECKED.search(r.stdout)
    if m is None:
        return f"Chromium did not finish loading it (exit {r.returncode}): {r.stderr[-300:]}"
    result: list[str] = json.loads(html.unescape(m.group(1)))
    return result


def screenshot(exe: str, page: Path, out: Path) -> None:
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--allow-file-access-from-files", "--virtual-time-budget=5000",
                    "--window-size=1280,2000", f"--screenshot={out}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)


def main(argv: list[str]) -> int:
    shots = [a.split("=", 1) for a in argv if "=" in a]
    rest = [a for a in argv if "=" not in a and a != "--screenshot"]
    site = (Path(rest[0]) if rest else ROOT / "site").resolve()
    if not (site / "index.html").exists():
        print(f"{site}: no built site (make docs)", file=sys.stderr)
        return 1
    exe = chromium()
    if exe is None:
        print("no chromium: apt-get install -y chromium", file=sys.stderr)
        return 1
    problems: list[str] = []
    all_pages = pages(site)
    for page in all_pages:
        problems += check_refs(site, page)
        got = render(exe, page)
        rel = page.relative_to(site)
        if isinstance(got, str):
            problems.append(f"{rel}: {got}")
        else:
            problems += [f"{rel}: did not render: {b}" for b in got]
    for page_rel, out in shots:
        screenshot(exe, site / page_rel, Path(out))
    for p in problems:
        print(p)
    print(f"{len(all_pages)} pages checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
