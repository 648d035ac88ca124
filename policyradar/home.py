"""A whole home loaded and checked: config.toml and sources.toml, each source by its kind and
each subscription by its channel. The one place that puts config, spiders and digest together.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING

from policyradar.config import CONFIG_FILE, SOURCES_FILE, load_config

if TYPE_CHECKING:
    from pathlib import Path

    from policyradar.config import Config


def load_home(home: Path) -> Config:
    """The home's config with every check run; a problem is a ConfigError naming file and field."""
    from policyradar.digest.subscriptions import parse_subscriptions
    from policyradar.spiders import check_sources

    config = load_config(home)
    check_sources(config.sources, config.home / SOURCES_FILE)
    tables = config.subscription_tables or []
    subscriptions = parse_subscriptions(config.home / CONFIG_FILE, tables)
    return replace(config, subscriptions=subscriptions, subscription_tables=())


def describe_fields() -> dict[str, list[tuple[str, str]]]:
    """Field names and help of every table of a home's config, for the docs and their test."""
    from policyradar.config import describe_fields as config_fields
    from policyradar.digest.subscriptions import Subscription

    tables = config_fields()
    tables["subscription"] = [(f.name, f.metadata["help"]) for f in fields(Subscription)]
    return tables
