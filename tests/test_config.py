from __future__ import annotations

from pathlib import Path

import pytest

from xcatalog.config import Settings, load_settings, settings_from_mapping
from xcatalog.errors import ConfigError

PROJECT_SETTINGS = Path(__file__).resolve().parent.parent / "settings.toml"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("XCATALOG_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_the_committed_settings_file_holds_the_defaults() -> None:
    assert load_settings([PROJECT_SETTINGS]) == Settings()


def test_seed_keys_are_read_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[default.registry.enrichment]\nsample_size = 250\ncategorical_threshold = 30\n")
    settings = load_settings([path])
    assert settings.registry.enrichment.sample_size == 250
    assert settings.registry.enrichment.categorical_threshold == 30
    assert settings.registry.enrichment.refresh_interval == 300  # untouched keys keep their default


def test_environment_variables_override_nested_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[default.registry.enrichment]\nsample_size = 250\n")
    monkeypatch.setenv("XCATALOG_REGISTRY__ENRICHMENT__SAMPLE_SIZE", "50")
    monkeypatch.setenv("XCATALOG_REGISTRY__FUNCTIONS__TRACK_EXECUTION", "false")
    settings = load_settings([path])
    assert settings.registry.enrichment.sample_size == 50
    assert settings.registry.functions.track_execution is False


def test_environments_apply_on_top_of_default(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        "[default.registry.models]\nmax_version_history = 10\n[testing.registry.models]\nmax_version_history = 3\n"
    )
    assert load_settings([path], env="testing").registry.models.max_version_history == 3
    assert load_settings([path], env="development").registry.models.max_version_history == 10


def test_secrets_file_is_merged(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text('[default.store]\nbackend = "mongodb"\ndatabase = "catalog"\n')
    (tmp_path / ".secrets.toml").write_text('[default.store]\nuri = "mongodb://ana:pw@db:27017/"\n')
    settings = load_settings()
    assert settings.store.backend == "mongodb"
    assert settings.store.database == "catalog"
    assert settings.store.uri == "mongodb://ana:pw@db:27017/"


@pytest.mark.parametrize(
    ("value", "rule"),
    [("-3", "greater than or equal to 1"), ('"abc"', "valid integer")],
)
def test_a_bad_value_names_the_key_the_value_and_the_rule(
    monkeypatch: pytest.MonkeyPatch, value: str, rule: str
) -> None:
    monkeypatch.setenv("XCATALOG_REGISTRY__ENRICHMENT__SAMPLE_SIZE", value)
    with pytest.raises(ConfigError, match=rf"'registry\.enrichment\.sample_size' = .*{rule}"):
        load_settings([])


def test_an_unknown_key_is_refused_as_a_likely_typo(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[default.registry.enrichment]\nsampel_size = 5\n")
    with pytest.raises(ConfigError, match=r"unknown key 'registry\.enrichment\.sampel_size'"):
        load_settings([path])


def test_a_broken_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[default.registry\nsample_size = ")
    with pytest.raises(ConfigError, match="Check the TOML syntax"):
        load_settings([path])


def test_reserved_variables_are_not_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XCATALOG_TEST_MONGO_URI", "mongodb://127.0.0.1:1/")
    assert load_settings([]) == Settings()


def test_overrides_merge_last() -> None:
    settings = load_settings([], overrides={"registry": {"enrichment": {"sample_size": 7}}})
    assert settings.registry.enrichment.sample_size == 7


def test_settings_from_mapping_accepts_any_key_case() -> None:
    settings = settings_from_mapping({"REGISTRY": {"Models": {"MAX_VERSION_HISTORY": 4}}})
    assert settings.registry.models.max_version_history == 4
