"""Text folding shared by search and similarity: no Django import."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip accents, collapse spaces: "Éducation  Nouvelle" -> "education nouvelle".

    Used to store a searchable copy of each text so that search is accent-insensitive on
    SQLite and PostgreSQL alike, without database extensions.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())
