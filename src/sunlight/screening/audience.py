"""What a screening says of a model that fires, by who reads it (contract/screening.py
`ExplanationDetail`): the warning's explanation for an analyst or the operator, the model's
fixed `screening_note` for anyone else, since an explanation names other people and their
data (a household member's car and plate, a relative's post, the registry's name for an ID)."""

from __future__ import annotations

from collections.abc import Iterable

from sunlight.contract.screening import ExplanationDetail
from sunlight.models.detection import Detection
from sunlight.models.registry import Model


def told(detections: Iterable[Detection], library: dict[str, Model],
         detail: ExplanationDetail) -> list[tuple[str, str]]:
    """(model code, what is said) per detection, in order; a reduced note once per model."""
    said = [(d.model, d.explanation if detail == "full" else library[d.model].spec.screening_note)
            for d in detections]
    return list(dict.fromkeys(said))
