"""Why two records are linked: which fields agreed, how strongly, and how much each added to the score."""

from dataclasses import dataclass

import numpy as np

from keten.linking.compare import FIELDS, compare
from keten.linking.model import CAPPED, probability


@dataclass(frozen=True)
class Contribution:
    """One field's part in a link: its agreement level in words, the weight in bits, and for an agreeing value
    how many records hold it (the reason a common value counts for little, or not at all)."""

    field: str
    level: str
    bits: float
    value_count: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Explanation:
    a: str
    b: str
    prior_bits: float
    contributions: tuple[Contribution, ...]
    bits: float
    probability: float
    decision: str = ""

    def agreeing(self) -> list[str]:
        return [c.field for c in self.contributions if c.bits > 0]

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "prior_bits": round(self.prior_bits, 2), "bits": round(self.bits, 2),
                "probability": round(self.probability, 4), "decision": self.decision,
                "fields": [c.__dict__ for c in self.contributions]}


def explain_pair(left, right, i: int, j: int, model, frequencies, similarity, decision: str = "") -> Explanation:
    """The explanation of record i of `left` against record j of `right`."""
    comparison = compare(left, right, np.array([i]), np.array([j]), similarity,
                         frequencies.common(model.common_cap))
    bits = model.field_bits(comparison, frequencies)
    parts = []
    for spec in FIELDS:
        level = int(comparison.levels[spec.name][0])
        if level < 0:
            continue
        count, note = None, ""
        if spec.frequency and level == 0:
            count = int(frequencies.count(spec.frequency, comparison.agreed[spec.name][:1])[0])
            if count > model.common_cap and spec.frequency in CAPPED:
                note = f"common value (held by {count} records): not counted"
        if spec.name in ("given_name", "surname") and comparison.swapped[0]:
            note = "given name and surname swapped"
        parts.append(Contribution(spec.name, spec.levels[level], round(float(bits[spec.name][0]), 3), count, note))
    total = model.prior_bits + sum(c.bits for c in parts)
    # A person's verdict is certain; otherwise the model's probability.
    chance = (1.0 if decision == "same" else 0.0) if decision else float(probability(np.array([total]))[0])
    return Explanation(left.ids[i], right.ids[j], model.prior_bits, tuple(parts), total, chance,
                       decision)
