"""PolicyRadar (政策雷达): policy-change and news radar for cross-border e-commerce sellers.

The package map is in CONTRIBUTING.md; ``crawler``, ``spiders``, ``digest`` and ``data`` live at
the repository's top level and are mapped onto this package by pyproject.toml's package-dir.
"""
