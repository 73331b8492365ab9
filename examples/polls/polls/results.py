"""Poll results, with the tallying done by our C extension (pollstats)."""

from pollstats import share, winner


def summarise(counts: dict[str, int]) -> dict[str, object]:
    names = list(counts)
    votes = [counts[name] for name in names]
    best = winner(votes)
    return {
        "total": sum(votes),
        "winner": names[best] if best >= 0 else None,
        "shares": {name: share(votes, index) for index, name in enumerate(names)},
    }
