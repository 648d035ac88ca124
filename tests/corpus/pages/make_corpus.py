"""Rebuild tests/corpus/pages/ from local clones of Open Terms Archive's public repositories.

    python tests/corpus/pages/make_corpus.py CLONES

CLONES holds one git clone per repository, named as on GitHub (``dating-versions``,
``dating-snapshots``, ``dating-declarations``, and the same for ``demo``, ``dsa-reports`` and
``sante-numerique-france``). For each page below: the newest version of the document whose
snapshot commit is in the clone, that snapshot (decoded as UTF-8, stripped as README.md says),
and the declaration in force at the version's date. Not run by the tests.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
from lxml import etree

HERE = Path(__file__).parent
GITHUB = "https://github.com/OpenTermsArchive"
PAGES = [  # id, collection, service, document
    ("adopteunmec-privacy", "dating", "AdopteUnMec", "Privacy Policy"),
    ("amazon-dsa-reports", "dsa-reports", "Amazon", "Reports List"),
    ("apple-dsa-reports", "dsa-reports", "Apple", "Reports List"),
    ("bumble-community-guidelines", "dating", "Bumble", "Community Guidelines"),
    ("eharmony-trackers", "dating", "eharmony", "Trackers Policy"),
    ("finya-privacy", "dating", "Finya", "Privacy Policy"),
    ("github-terms", "demo", "GitHub", "Terms of Service"),
    ("happn-trackers", "dating", "happn", "Trackers Policy"),
    ("heloa-privacy", "sante-numerique-france", "Heloa", "Privacy Policy"),
    ("hily-trackers", "dating", "Hily", "Trackers Policy"),
    ("lex-privacy", "dating", "LEX", "Privacy Policy"),
    ("maiia-privacy", "sante-numerique-france", "Maiia", "Privacy Policy"),
    ("match-privacy", "dating", "Match", "Privacy Policy"),
    ("open-collective-privacy", "demo", "Open Collective", "Privacy Policy"),
    ("opentermsarchive-brand-guidelines", "demo", "Open Terms Archive", "Brand Guidelines"),
    ("romeo-terms", "dating", "ROMEO", "Terms of Service"),
    ("tinder-privacy", "dating", "Tinder", "Privacy Policy"),
    ("uptimerobot-terms", "demo", "UptimeRobot", "Terms of Service"),
]


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False).stdout


def newest_pair(clones: Path, collection: str, path: str) -> tuple[str, str, str, bytes, str, str]:
    """(version commit, date, snapshot commit, snapshot bytes, reference, engine version) of the
    newest version whose snapshot is in the snapshots clone."""
    versions, snapshots = clones / f"{collection}-versions", clones / f"{collection}-snapshots"
    log = git(versions, "log", "--format=%H%x00%aI%x00%b%x01", "--", f"{path}.md").decode()
    for record in filter(None, (r.strip() for r in log.split("\x01"))):
        commit, date, body = record.split("\x00", 2)
        found = re.search(r"snapshots/commit/([0-9a-f]{40})", body)
        html = found and git(snapshots, "show", f"{found[1]}:{path}.html")
        if html:
            reference = git(versions, "show", f"{commit}:{path}.md").decode()
            engine = re.search(r"X-engine-version: (\S+)", body)
            return commit, date, found[1], html, reference, engine[1] if engine else ""
    raise LookupError(path)


def declaration(clones: Path, collection: str, service: str, document: str, date: str) -> tuple:
    """The select/remove in force at ``date`` (the history file keeps superseded ones)."""
    repo = clones / f"{collection}-declarations"
    for name in git(repo, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines():
        if not name.endswith(".json") or name.endswith(".history.json"):
            continue
        current = json.loads(git(repo, "show", f"HEAD:{name}"))
        if current.get("name", "").lower() != service.lower():
            continue
        chosen, source = current["terms"][document], name
        history = json.loads(git(repo, "show", f"HEAD:{name[:-5]}.history.json") or b"{}")
        later = sorted(
            (h for h in history.get(document, []) if h["validUntil"] > date),
            key=lambda h: h["validUntil"],
        )
        if later:
            chosen, source = later[0], f"{name[:-5]}.history.json"
        commit = git(repo, "log", "-1", "--format=%H", "--", source).decode().strip()
        return chosen, source, commit
    raise LookupError(service)


def stripped(html: bytes) -> str:
    """The page without scripts, styles, SVG drawings, comments and styling attributes."""
    root = lxml.html.document_fromstring(html.decode("utf-8"))
    for element in list(root.iter("script", "style", "link", "meta")):
        if not (element.tag == "meta" and (element.get("charset") or element.get("http-equiv"))):
            element.drop_tree()
    for svg in list(root.iter("svg")):
        svg[:] = []
        svg.text = None
    etree.strip_elements(root, etree.Comment, with_tail=False)
    for element in root.iter():
        for name in list(element.attrib):
            if name == "style" or name.startswith("data-"):
                del element.attrib[name]
            elif name in ("src", "srcset", "href") and element.attrib[name].startswith("data:"):
                element.attrib[name] = ""
    head = root.find("head")
    if head is not None and not any(meta.get("charset") for meta in head.iter("meta")):
        head.insert(0, head.makeelement("meta", {"charset": "utf-8"}))
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def main(clones: Path) -> None:
    for page_id, collection, service, document in PAGES:
        path = f"{service}/{document}"
        version, date, snapshot, html, reference, engine = newest_pair(clones, collection, path)
        chosen, declared_in, declared_at = declaration(clones, collection, service, document, date)
        body, remove = (
            [css] if isinstance(css, str) else css
            for css in (chosen["select"], chosen.get("remove", []))
        )
        page = stripped(html)
        language = re.search(r'<html[^>]*\blang="([a-z]+)', page)
        folder = HERE / page_id
        folder.mkdir(exist_ok=True)
        (folder / "page.html").write_text(page, encoding="utf-8")
        (folder / "reference.md").write_text(reference, encoding="utf-8")
        (folder / "page.toml").write_text(
            f"# {service} · {document}: a real page and its policy text, from Open Terms Archive's"
            f" `{collection}` collection.\n"
            f'id = "{page_id}"\nurl = {json.dumps(chosen["fetch"])}\n'
            f'language = "{language[1] if language else "en"}"\nrecorded_at = "{date}"\n\n'
            "[declaration]                   # Open Terms Archive's select / remove, as PolicyRadar"
            " selectors\n"
            f"body = {json.dumps(body)}\nremove = {json.dumps(remove)}\n\n[provenance]\n"
            f'page = "{GITHUB}/{collection}-snapshots/blob/{snapshot}/{path}.html"\n'
            f'reference = "{GITHUB}/{collection}-versions/blob/{version}/{path}.md"\n'
            f'declaration = "{GITHUB}/{collection}-declarations/blob/{declared_at}/{declared_in}"\n'
            f'engine = "{engine}"       # the Open Terms Archive engine behind the reference\n'
            f"page_bytes_original = {len(html)}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
