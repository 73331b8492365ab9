"""Getting a resolved file: a local one (file:// index or find-links) is used where it lies; a
remote one is downloaded once into a content-addressed cache (`<cache>/downloads/<sha256>/`).

Remote files are fetched with the standard library, credentials coming from the netrc file the host
wrote (never from a URL, never from argv): starting pip once per file would cost more than the
download, and `pip download` of an sdist would also build its metadata. The Authorization header is
never forwarded on a redirect."""

from __future__ import annotations

import base64
import hashlib
import netrc
import os
import shutil
import ssl
import urllib.request
import uuid
from typing import Dict, Mapping, Optional, Sequence
from urllib.parse import unquote, urlsplit

from .resolve import Item


class FetchError(Exception):
    def __init__(self, reason: str, **fields: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fields = fields


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def netrc_authorization(url: str, environ: Mapping[str, str]) -> Optional[str]:
    """A Basic Authorization header for the URL's host from netrc ($NETRC, else ~/.netrc), if any."""
    path = environ.get("NETRC") or os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".netrc")
    host = urlsplit(url).hostname
    if not host or not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (netrc.NetrcParseError, OSError):
        return None
    if entry is None:
        return None
    login, _account, password = entry
    token = base64.b64encode(("%s:%s" % (login or "", password or "")).encode()).decode()
    return "Basic " + token


class Fetcher:
    def __init__(self, cache: str, work: str, environ: Mapping[str, str]) -> None:
        self.downloads = os.path.join(cache, "downloads")
        self.scratch = os.path.join(work, "downloads")
        self.environ = environ

    def obtain(self, item: Item, allowed: Optional[Sequence[str]] = None) -> str:
        """A local path holding the item's file, its sha256 checked against the report and against
        the hashes a lock or hash-pinned file allows (`allowed`, "sha256:<hex>")."""
        parts = urlsplit(item.url)
        if parts.scheme == "file":
            path = unquote(parts.path)
            if not os.path.isfile(path):
                raise FetchError("the file pip chose is gone: " + path)
        elif parts.scheme in ("http", "https"):
            path = self._download(item)
        else:
            raise FetchError("unsupported URL scheme %s" % parts.scheme)
        actual = _sha256(path)
        if item.sha256 and actual != item.sha256:
            raise FetchError("the file's sha256 is not the one pip resolved", expected=item.sha256, actual=actual)
        if allowed and "sha256:" + actual not in allowed:
            raise FetchError("hash mismatch: the file's sha256 is not one the lock or requirements file allows",
                             hash_mismatch=True, actual="sha256:" + actual, allowed=list(allowed))
        return path

    def _download(self, item: Item) -> str:
        if item.sha256:
            folder = os.path.join(self.downloads, item.sha256)
            cached = os.path.join(folder, item.filename)
            if os.path.isfile(cached):
                return cached
        else:
            folder = os.path.join(self.scratch, uuid.uuid4().hex[:12])
        os.makedirs(os.path.dirname(folder), exist_ok=True)
        temporary = "%s.tmp-%s" % (folder, uuid.uuid4().hex[:8])
        os.makedirs(temporary)
        try:
            self._get(item.url, os.path.join(temporary, item.filename))
            if item.sha256 and _sha256(os.path.join(temporary, item.filename)) != item.sha256:
                raise FetchError("the download's sha256 is not the one the index announced", expected=item.sha256)
            try:
                os.rename(temporary, folder)
            except OSError:
                if not os.path.isfile(os.path.join(folder, item.filename)):
                    raise
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        return os.path.join(folder, item.filename)

    def _get(self, url: str, target: str) -> None:
        request = urllib.request.Request(url, headers={"User-Agent": "wheelwright-helper"})
        authorization = netrc_authorization(url, self.environ)
        if authorization:
            request.add_unredirected_header("Authorization", authorization)
        cafile = self.environ.get("PIP_CERT") or self.environ.get("REQUESTS_CA_BUNDLE") or None
        context = ssl.create_default_context(cafile=cafile) if url.startswith("https") else None
        timeout = float(self.environ.get("PIP_DEFAULT_TIMEOUT") or self.environ.get("PIP_TIMEOUT") or 60)
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as response, \
                    open(target, "wb") as handle:
                shutil.copyfileobj(response, handle, 1 << 20)
        except OSError as error:  # URLError and HTTPError are OSErrors
            # The URL is credential-free (the request refuses any other), so it may be named.
            raise FetchError("download failed: %s" % error, url=url) from None


def copy_into(path: str, folder: str, filename: Optional[str] = None) -> str:
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, filename or os.path.basename(path))
    shutil.copyfile(path, target)
    return target


def allowed_for(tables: Sequence[Dict[str, Sequence[str]]], name: str) -> Optional[Sequence[str]]:
    hashes = [h for table in tables for h in table.get(name, [])]
    return hashes or None
