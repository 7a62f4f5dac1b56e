"""The duty shifts of the contract as tables the police models join: when a shift runs and
what it staffs never live in SQL.

`duty_shifts` (shift, starts, ends: INTERVAL after midnight of the row's date), `shift_covers`
(shift, covers: a required shift a roster row of `shift` staffs) and `coverage_shifts`
(coverage, shift: the shifts a post of that coverage needs every active date).
"""

from __future__ import annotations

import pyarrow as pa

from sunlight.contract.duty_shifts import DUTY_SHIFTS, DutyShifts


def duty_tables(shifts: DutyShifts = DUTY_SHIFTS) -> dict[str, pa.Table]:
    """Every duty table by the name the models use."""
    covers = [(s.shift, covered) for s in shifts.shifts for covered in s.covers]
    needs = [(coverage, shift) for coverage, needed in shifts.coverage.items()
             for shift in needed]
    return {
        "duty_shifts": pa.table({
            "shift": pa.array([s.shift for s in shifts.shifts], pa.string()),
            "starts": pa.array([s.start for s in shifts.shifts], pa.duration("s")),
            "ends": pa.array([s.end for s in shifts.shifts], pa.duration("s")),
        }),
        "shift_covers": pa.table({
            "shift": pa.array([shift for shift, _ in covers], pa.string()),
            "covers": pa.array([covered for _, covered in covers], pa.string()),
        }),
        "coverage_shifts": pa.table({
            "coverage": pa.array([coverage for coverage, _ in needs], pa.string()),
            "shift": pa.array([shift for _, shift in needs], pa.string()),
        }),
    }
