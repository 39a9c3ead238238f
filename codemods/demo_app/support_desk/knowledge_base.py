"""The help articles the agents search."""

from __future__ import annotations

ARTICLES = {
    "password": "Use “Forgot password” on the sign-in page; the link is valid for 30 minutes.",
    "invoice": "Invoices are under Settings → Billing and are issued on the 1st of each month.",
    "export": "Exports run nightly; large exports arrive by e-mail.",
}


def search(query: str) -> list[str]:
    words = query.lower()
    return [topic for topic in ARTICLES if topic in words]


def answer(topics: list[str]) -> str:
    if not topics:
        return "A support specialist will get back to you."
    return " ".join(ARTICLES[topic] for topic in topics)
