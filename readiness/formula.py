"""The readiness formula, in one place: weighted completion of the applicable obligations."""

from __future__ import annotations

import pandas as pd


def readiness(done, na, total):
    """done / (total − not applicable), 0..1; None (NaN for Series) when nothing applies.

    Takes numbers or pandas Series (element-wise), so tables and single figures agree.
    """
    applicable = total - na
    if isinstance(applicable, pd.Series):
        return (done / applicable.where(applicable > 0)).astype(float)
    if applicable <= 0:
        return None
    return done / applicable
