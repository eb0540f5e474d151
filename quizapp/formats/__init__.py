"""File formats, a leaf: encoders and readers of XLSX, CSV and PDF over plain domain values.

Nothing here imports services or models; the formula-injection guard lives in `sheets`.
"""
