"""Built-in stages; importing this package registers them (see pipeline.STAGES for the order)."""

from . import (  # noqa: F401
    briefing, clean, dedup, embed, entities, events, figures, ingest, language, quality, quotes,
    storylines, timeline,
)
