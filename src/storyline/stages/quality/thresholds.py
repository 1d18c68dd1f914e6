"""Score thresholds above which the quality stage sets a flag.

Set on the dev half of `storyline.evaluation.flags` (docs/flags.md has the
numbers); the held-out half and the seed articles were not used to pick them.
"""

THRESHOLDS: dict[str, float] = {
    "machine_translated": 0.45,
    "incoherent": 0.4,
}
