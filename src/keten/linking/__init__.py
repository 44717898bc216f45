"""Keten's linking engine (Bundeling): ties records of people and signals together. A plain library: no Django.

The API, small on purpose:

- `Record`: what is known about one person or signal (raw values are fine; the engine normalises them).
- `link(records, decisions=..., settings=...) -> LinkResult`: the batch run. The result has `clusters()`,
  `links()`, `explain(a, b)` (per field: agreement, weight in bits, how common the value is) and `summary()`.
- `Decision`, `merge(...)`, `split(...)`: people's verdicts; they win over the engine on every run.
- `LinkIndex(result)`: link one new record against everything known (`match`, `add`), also telling how often
  its phone number, IBAN, ... already occur (`Match.occurrences`).
- `Encoder`, `link_encoded`, `encoded_index`, `hits`: the privacy-preserving mode (keyed HMAC and Bloom
  filters) for the hit/no-hit question between organisations.
- `keten.linking.normalise`: `normalise(kind, raw)` and one function per kind, raising `InvalidIdentifier`.

How it works and why: docs/adr/0009-linking-engine.md.
"""

from keten.linking.decisions import DIFFERENT, SAME, Decision, merge, split
from keten.linking.encoded import EncodedRecord, Encoder, Hit, encoded_index, hits, link_encoded
from keten.linking.engine import Link, LinkResult, Settings, link
from keten.linking.explain import Contribution, Explanation
from keten.linking.index import Candidate, LinkIndex, Match, Occurrence
from keten.linking.normalise import InvalidIdentifier
from keten.linking.records import Record

__all__ = [
    "DIFFERENT", "SAME", "Candidate", "Contribution", "Decision", "EncodedRecord", "Encoder", "Explanation", "Hit",
    "InvalidIdentifier", "Link", "LinkIndex", "LinkResult", "Match", "Occurrence", "Record", "Settings",
    "encoded_index", "hits", "link", "link_encoded", "merge", "split",
]
