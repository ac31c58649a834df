"""A seeded generator of agent memories, so the benchmark runs with no external file.

Memories are the kinds an assistant keeps about its users: preferences, events
with dates, and facts (work, family, places, constraints). Lengths vary from a
few words to a couple of sentences, as real memories do, so that length-aware
batching has something to work with. The same ``(n, seed)`` always gives the
same dataset, and every text is distinct within its user.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from .datasets import Dataset, DatasetItem

__all__ = ["KINDS", "generate"]

KINDS = ("preference", "event", "fact")

_FIRST = [
    "Alice", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Gustav", "Hana", "Ivan", "Jun", "Kofi", "Lena",
    "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Ximena",
    "Yusuf", "Zoe",
]
_LAST = [
    "Okafor", "Lindqvist", "Tanaka", "Moreau", "Silva", "Novak", "Haddad", "Kowalski", "Reyes", "Nguyen",
    "Fischer", "Patel", "Costa",
]

_PREFERENCE = {
    "food": (
        ("likes", "dislikes", "is allergic to", "always orders", "avoids"),
        [
            "green tea", "oat milk lattes", "spicy ramen", "dark chocolate", "sourdough bread", "sushi",
            "black coffee", "mango sorbet", "falafel wraps", "blue cheese", "cilantro", "pepperoni pizza",
            "miso soup", "kimchi", "sparkling water",
        ],
    ),
    "travel": (
        ("prefers", "refuses to book", "enjoys", "would rather avoid"),
        [
            "window seats", "night trains", "boutique hotels", "early morning flights", "road trips",
            "hostels", "long layovers", "beach resorts", "hiking holidays", "city breaks in winter",
        ],
    ),
    "work": (
        ("prefers", "dislikes", "asks for", "wants"),
        [
            "short status updates", "meetings before noon", "written summaries over calls",
            "async code reviews", "dark mode in every editor", "bullet points instead of prose",
            "weekly one-on-ones", "no meetings on Fridays",
        ],
    ),
    "media": (
        ("loves", "cannot stand", "is currently into", "recommends"),
        [
            "jazz podcasts", "true crime documentaries", "science fiction novels", "Korean dramas",
            "80s synth pop", "chess streams", "birdwatching videos", "historical fiction",
            "stand-up comedy specials",
        ],
    ),
}
_REASONS = (
    "",
    "",
    "",
    " because it reminds them of home",
    " since a doctor suggested it last year",
    " and mentioned it twice in the last conversation",
    ", especially when the week has been stressful",
    ", although they said it might change after the move",
)
_EVENTS = (
    ("health", "had a dentist appointment"),
    ("health", "started physiotherapy for a knee injury"),
    ("health", "ran a half marathon"),
    ("work", "presented the quarterly roadmap to the board"),
    ("work", "started a new job as a data engineer"),
    ("work", "was promoted to team lead"),
    ("work", "shipped the billing migration"),
    ("family", "celebrated a daughter's graduation"),
    ("family", "adopted a rescue dog named Pepper"),
    ("family", "hosted the family reunion"),
    ("travel", "flew to Lisbon for a conference"),
    ("travel", "went camping in the Dolomites"),
    ("travel", "missed a connecting flight in Frankfurt"),
    ("home", "moved into a flat near the river"),
    ("home", "repainted the kitchen a pale green"),
    ("learning", "passed the Spanish B2 exam"),
    ("learning", "finished an online course on statistics"),
)
_EVENT_TAILS = (
    "",
    "",
    " and said it went better than expected",
    " and wants a reminder to follow up next month",
    "; they asked the assistant to keep notes about it",
    " and felt exhausted but happy afterwards",
)
_FACTS = (
    ("work", "works as a {job} at {company}"),
    ("work", "manages a team of {num} people"),
    ("family", "has a sibling called {name}"),
    ("family", "has {num} children"),
    ("family", "is married to {name}"),
    ("place", "lives in {city}"),
    ("place", "grew up in {city} and still visits twice a year"),
    ("schedule", "is unavailable on {weekday} afternoons"),
    ("schedule", "usually starts work at {hour} am"),
    ("health", "is vegetarian"),
    ("health", "is training for a marathon in {city}"),
    ("tech", "uses a {device} for work"),
    ("tech", "keeps their notes in {tool}"),
)
_FILL = {
    "job": [
        "nurse", "architect", "data engineer", "teacher", "product manager", "carpenter", "pharmacist",
        "accountant",
    ],
    "company": [
        "a logistics startup", "the city hospital", "a design agency", "a public library",
        "an energy company",
    ],
    "city": [
        "Lisbon", "Nairobi", "Osaka", "Toronto", "Kraków", "Valparaíso", "Leeds", "Hanoi", "Tbilisi",
        "Austin",
    ],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "hour": ["6", "7", "8", "9", "10"],
    "device": ["ThinkPad", "MacBook Air", "Linux desktop", "Chromebook", "Surface tablet"],
    "tool": ["Obsidian", "a paper notebook", "Notion", "plain text files", "Google Docs"],
}


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _memory(rng: random.Random, name: str, day0: date) -> tuple[str, dict[str, Any]]:
    kind = rng.choices(KINDS, weights=(4, 3, 3))[0]
    if kind == "preference":
        topic = rng.choice(sorted(_PREFERENCE))
        verbs, objects = _PREFERENCE[topic]
        text = f"{name} {rng.choice(verbs)} {rng.choice(objects)}{rng.choice(_REASONS)}."
        return text, {"kind": kind, "topic": topic}
    if kind == "event":
        topic, what = rng.choice(_EVENTS)
        when = day0 + timedelta(days=rng.randrange(0, 730))
        text = f"On {when.isoformat()}, {name} {what}{rng.choice(_EVENT_TAILS)}."
        return text, {"kind": kind, "topic": topic, "date": when.isoformat()}
    topic, pattern = rng.choice(_FACTS)
    values = {key: rng.choice(options) for key, options in _FILL.items()}
    values["name"] = rng.choice(_FIRST)
    values["num"] = str(rng.randrange(2, 12))
    text = f"{name} {pattern.format(**values)}."
    if rng.random() < 0.25:
        text += f" This came up while planning a trip to {rng.choice(_FILL['city'])}."
    return text, {"kind": kind, "topic": topic}


def generate(n: int, *, seed: int = 0, users: int | None = None) -> Dataset:
    """``n`` distinct memories across ``users`` users (default: about one user per 50 memories)."""
    rng = random.Random(seed)
    n_users = users if users is not None else max(1, min(200, n // 50))
    names: list[str] = []
    while len(names) < n_users:
        name = _person(rng)
        if name not in names or len(names) >= len(_FIRST) * len(_LAST):
            names.append(name)
    day0 = date(2024, 1, 1)
    items: list[DatasetItem] = []
    seen: set[tuple[str, str]] = set()
    attempts = 0
    while len(items) < n:
        u = len(items) % n_users if rng.random() < 0.7 else rng.randrange(n_users)
        user_id = f"user-{u:03d}"
        text, metadata = _memory(rng, names[u], day0)
        attempts += 1
        if (user_id, text) in seen:
            if attempts > 50 * n + 1000:  # the template space is exhausted for this user count
                text = f"{text} (note {len(items)})"
            else:
                continue
        seen.add((user_id, text))
        metadata["seq"] = len(items)
        items.append(DatasetItem(text, user_id, metadata))
    info = {"seed": seed, "users_requested": n_users}
    return Dataset(f"synthetic-{n}", "synthetic", items, [], None, info)
