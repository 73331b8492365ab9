"""pip's options as a requirements file or the request gives them: index URLs, find-links, --pre,
binary choices. Each value becomes its own argument (a find-links folder may hold spaces). Only stdlib."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional


@dataclass
class PipOptions:
    index_url: Optional[str] = None
    extra_index_urls: List[str] = field(default_factory=list)
    find_links: List[str] = field(default_factory=list)
    no_index: bool = False
    pre: bool = False
    prefer_binary: bool = False
    only_binary: List[str] = field(default_factory=list)
    no_binary: List[str] = field(default_factory=list)
    trusted_hosts: List[str] = field(default_factory=list)

    def arguments(self) -> List[str]:
        """The options as pip arguments, each value its own argument."""
        args: List[str] = []
        if self.no_index:
            args.append("--no-index")
        elif self.index_url:
            args += ["--index-url", self.index_url]
        for url in self.extra_index_urls:
            args += ["--extra-index-url", url]
        for link in self.find_links:
            args += ["--find-links", link]
        for host in self.trusted_hosts:
            args += ["--trusted-host", host]
        if self.pre:
            args.append("--pre")
        if self.prefer_binary:
            args.append("--prefer-binary")
        for value in self.only_binary:
            args += ["--only-binary", value]
        for value in self.no_binary:
            args += ["--no-binary", value]
        return args

    def merge(self, other: "PipOptions") -> None:
        self.index_url = other.index_url or self.index_url
        self.no_index = self.no_index or other.no_index
        self.pre = self.pre or other.pre
        self.prefer_binary = self.prefer_binary or other.prefer_binary
        for name in ("extra_index_urls", "find_links", "only_binary", "no_binary", "trusted_hosts"):
            mine = getattr(self, name)
            mine.extend(v for v in getattr(other, name) if v not in mine)
