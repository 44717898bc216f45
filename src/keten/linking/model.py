"""The Fellegi–Sunter model: per field and level the probability m (among matches) and u (among non-matches),
estimated by expectation-maximisation on the candidate pairs, with term-frequency adjustment of exact agreement.

Both m and u are estimated on the candidate pairs (not u on random pairs, as Splink does by default): the pairs
we score are blocked pairs, and among them non-matches agree on the blocking fields far more often than random
pairs do. Scoring with the distribution the pairs actually come from keeps the probabilities calibrated, so one
threshold works across blocking rules. The prior is the estimated share of matches among candidates.

Term frequency: agreeing on a common value says less than agreeing on a rare one. The weight of exact agreement
is multiplied by u_random / tf(value), u_random being the chance that two random records agree on the field
(sum of squared value shares) and tf(value) the share of records holding that value. A shelter's phone number,
held by hundreds of records, so counts for little; a value held by more than `common_cap` records does not
count at all (the explanation says so)."""

import math
from dataclasses import dataclass, field

import numpy as np

from keten.linking.compare import FIELDS, Comparison
from keten.linking.records import STRONG_KINDS, Table

FLOOR = 1e-6
#: No level is estimated below this probability: on clean training data EM learns "a match never disagrees on
#: X", and one typo in X would then veto a link by 20 bits. This caps a disagreement at about -7.5 bits.
LEVEL_FLOOR = 0.005
#: The columns whose too common values do not count at all: identifiers and addresses. A common name or
#: date of birth still says something, and only its term frequency lowers its weight.
CAPPED = frozenset({"address", *STRONG_KINDS})
#: The term-frequency adjustment is kept within these bounds (in bits): one rare value must not outweigh
#: everything else, and a common one is already down-weighted by the cap.
TF_BITS = (-12.0, 4.0)


@dataclass
class Frequencies:
    """How many records hold each value, per frequency column; and the chance two random records agree."""

    counts: dict[str, np.ndarray]
    dob_codes: np.ndarray
    dob_counts: np.ndarray
    u_random: dict[str, float]

    @classmethod
    def of(cls, table: Table) -> "Frequencies":
        counts, u_random = {}, {}
        for column in {f.frequency for f in FIELDS if f.frequency and f.frequency != "dob"}:
            counts[column] = table.counts(column)
            u_random[column] = _u_random(counts[column])
        dob = table.dob.astype(np.int64)
        full = dob[(dob[:, 1] > 0) & (dob[:, 2] > 0)]
        dob_codes, dob_counts = _value_counts(full[:, 0] * 10000 + full[:, 1] * 100 + full[:, 2])
        u_random["dob"] = _u_random(dob_counts)
        return cls(counts, dob_codes, dob_counts.astype(np.int64), u_random)

    def count(self, column: str, codes: np.ndarray) -> np.ndarray:
        """The number of records holding each code (at least 1: a value new to the index)."""
        if column == "dob":
            position = np.clip(np.searchsorted(self.dob_codes, codes), 0, max(len(self.dob_codes) - 1, 0))
            found = self.dob_codes[position] == codes if len(self.dob_codes) else np.zeros(len(codes), bool)
            return np.where(found, self.dob_counts[position] if len(self.dob_counts) else 1, 1)
        table = self.counts[column]
        inside = (codes >= 0) & (codes < len(table))
        return np.where(inside, table[np.where(inside, codes, 0)] if len(table) else 1, 1).clip(min=1)

    def common(self, cap: int) -> dict[str, np.ndarray]:
        """Per capped column, which codes are held by more than `cap` records."""
        cache = self.__dict__.setdefault("_common", {})
        if cap not in cache:
            cache[cap] = {column: self.counts[column] > cap for column in CAPPED if column in self.counts}
        return cache[cap]

    def total(self, column: str) -> int:
        return int(self.dob_counts.sum()) if column == "dob" else int(self.counts[column].sum())


def _value_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and their counts (np.unique's hash path is slow on large int arrays)."""
    values = np.sort(values)
    if not len(values):
        return values, np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return values[starts], np.diff(np.r_[starts, len(values)])


def _u_random(counts: np.ndarray) -> float:
    total = counts.sum()
    if total == 0:
        return FLOOR
    share = counts[counts > 0] / total
    return float(max((share * share).sum(), FLOOR))


@dataclass
class Model:
    """m and u per field and level, the prior share of matches among candidate pairs, and how it was made."""

    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    prior: float
    trained_on: int = 0
    iterations: int = 0
    common_cap: int = 50
    notes: list[str] = field(default_factory=list)

    def weights(self, name: str) -> np.ndarray:
        """log2(m/u) per level, with a leading 0 for "not known" (level -1)."""
        return np.r_[0.0, np.log2(np.maximum(self.m[name], FLOOR) / np.maximum(self.u[name], FLOOR))]

    @property
    def prior_bits(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def tf_bits(self, name: str, column: str, codes: np.ndarray, frequencies: Frequencies) -> np.ndarray:
        """The term-frequency adjustment for exact agreement on `codes`, and -inf bits (= not counted) for a
        value held by more than common_cap records."""
        counts = frequencies.count(column, codes)
        tf = counts / max(frequencies.total(column), 1)
        bits = np.clip(np.log2(frequencies.u_random[column] / tf), *TF_BITS)
        if column not in CAPPED:
            return bits
        return np.where(counts > self.common_cap, -np.inf, bits)

    def field_bits(self, comparison: Comparison, frequencies: Frequencies) -> dict[str, np.ndarray]:
        """Each field's contribution in bits for every pair (0 for unknown and for a too common value)."""
        contributions = {}
        for spec in FIELDS:
            level = comparison.levels[spec.name]
            bits = self.weights(spec.name)[level.astype(np.int64) + 1]
            if spec.frequency:
                exact = np.flatnonzero(level == 0)
                if len(exact):
                    adjust = self.tf_bits(spec.name, spec.frequency, comparison.agreed[spec.name][exact],
                                          frequencies)
                    bits[exact] = np.where(np.isinf(adjust), 0.0, bits[exact] + adjust)
            contributions[spec.name] = bits
        return contributions

    def score(self, comparison: Comparison, frequencies: Frequencies) -> np.ndarray:
        """The match weight in bits (prior included) for every pair."""
        total = np.full(len(comparison), self.prior_bits)
        for bits in self.field_bits(comparison, frequencies).values():
            total += bits
        return total


def probability(bits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.asarray(bits, dtype=np.float64)))


def default_model() -> Model:
    """Hand-set parameters for runs too small to estimate from (a demo, a test): m and u as a careful person
    would guess them. EM takes over from `MIN_TRAINING_PAIRS` candidate pairs on."""
    m, u = {}, {}
    guesses = {
        "given_name": ([0.80, 0.10, 0.06, 0.04], [0.02, 0.02, 0.10, 0.86]),
        "surname": ([0.80, 0.10, 0.06, 0.04], [0.01, 0.01, 0.05, 0.93]),
        "date_of_birth": ([0.80, 0.08, 0.08, 0.04], [0.01, 0.01, 0.03, 0.95]),
        "nationality": ([0.95, 0.05], [0.30, 0.70]),
        "sex": ([0.97, 0.03], [0.50, 0.50]),
        "address": ([0.60, 0.10, 0.30], [0.02, 0.03, 0.95]),
    }
    for spec in FIELDS:
        m_guess, u_guess = guesses.get(spec.name, ([0.90, 0.10], [0.01, 0.99]))
        m[spec.name], u[spec.name] = np.array(m_guess), np.array(u_guess)
    return Model(m, u, prior=0.1, notes=["default parameters: too few candidate pairs to estimate from"])


MIN_TRAINING_PAIRS = 5_000


def _anchor(levels: dict[str, np.ndarray]) -> np.ndarray:
    """The first E-step from a rule instead of from guessed parameters: pairs that agree exactly on both names
    and the full date of birth, or share a document number, BSN, IBAN or e-mail address, are likely matches;
    pairs that disagree on a name and the date of birth are likely not. EM started from guesses can settle on
    another split of a million candidate pairs (e.g. "same surname sound" against the rest); started from this
    one it settles on matches against non-matches."""
    names_and_date = (levels["given_name"] == 0) & (levels["surname"] == 0) & (levels["date_of_birth"] == 0)
    identifier = np.zeros(len(names_and_date), bool)
    for kind in ("document_number", "bsn", "iban", "email"):
        identifier |= levels[kind] == 0
    likely = names_and_date | identifier
    unlikely = ((levels["given_name"] == 3) | (levels["surname"] == 3)) & (levels["date_of_birth"] == 3)
    return np.where(likely, 0.95, np.where(unlikely, 0.01, 0.2))


def train(comparison: Comparison, *, sample: int = 400_000, iterations: int = 40, tolerance: float = 1e-5,
          seed: int = 20260101, common_cap: int = 50) -> Model:
    """Estimate m, u and the prior by EM on (a fixed-seed sample of) the candidate pairs. Starts from the
    default parameters; unknown levels take no part."""
    model = default_model()
    model.common_cap = common_cap
    model.notes = []
    if len(comparison) < MIN_TRAINING_PAIRS:
        model.notes.append("default parameters: too few candidate pairs to estimate from")
        return model
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(len(comparison), size=min(sample, len(comparison)), replace=False))
    levels = {name: comparison.levels[name][chosen].astype(np.int64) for name in comparison.levels}
    prior = 0.1
    for iteration in range(1, iterations + 1):
        if iteration == 1:
            posterior = _anchor(levels)
        else:
            log_m = np.zeros(len(chosen))
            log_u = np.zeros(len(chosen))
            for spec in FIELDS:
                level = levels[spec.name]
                known = level >= 0
                log_m[known] += np.log(np.maximum(model.m[spec.name], FLOOR))[level[known]]
                log_u[known] += np.log(np.maximum(model.u[spec.name], FLOOR))[level[known]]
            logit = math.log(prior / (1 - prior)) + log_m - log_u
            posterior = 1.0 / (1.0 + np.exp(-np.clip(logit, -60, 60)))
        change = 0.0
        for spec in FIELDS:
            level = levels[spec.name]
            known = level >= 0
            size = len(spec.levels)
            for target, weight in ((model.m, posterior), (model.u, 1 - posterior)):
                mass = np.bincount(level[known], weights=weight[known], minlength=size)
                if mass.sum() > 0:
                    new = np.maximum(mass / mass.sum(), LEVEL_FLOOR)
                    new /= new.sum()
                    change = max(change, float(np.abs(new - target[spec.name]).max()))
                    target[spec.name] = new
        new_prior = float(np.clip(posterior.mean(), 1e-6, 1 - 1e-6))
        change = max(change, abs(new_prior - prior))
        prior = new_prior
        if change < tolerance:
            break
    model.prior = prior
    model.trained_on = len(chosen)
    model.iterations = iteration
    return model
