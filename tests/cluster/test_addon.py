"""The cluster add-on: only CLUSTER_URL turns a run into a cluster worker; a malformed URL stops the run."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from crawler.cluster.addon import ClusterAddon


def test_addon_changes_nothing_without_cluster_url() -> None:
    settings = Settings()
    before = settings.copy_to_dict()
    ClusterAddon().update_settings(settings)
    assert settings.copy_to_dict() == before


def test_addon_plugs_in_scrapy_redis_and_the_worker_below_project_priority() -> None:
    settings = Settings({"CLUSTER_URL": "redis://10.0.0.5:6380/2", "CLUSTER_IDLE_TIMEOUT": "7"}, priority="cmdline")
    settings.set("DUPEFILTER_CLASS", "myproject.MyRedisDupeFilter", priority="project")  # wins over the add-on
    ClusterAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "crawler.cluster.scheduler.ClusterScheduler"
    assert settings["DUPEFILTER_CLASS"] == "myproject.MyRedisDupeFilter"
    assert settings["REDIS_URL"] == "redis://10.0.0.5:6380/2"
    assert settings.getbool("SCHEDULER_PERSIST") is True
    assert settings.getfloat("CLUSTER_IDLE_TIMEOUT") == 7.0
    assert "crawler.cluster.worker.ClusterWorker" in settings.getdict("EXTENSIONS")
    assert "crawler.cluster.worker.ClusterSeedMiddleware" in settings.getdict("SPIDER_MIDDLEWARES")


def test_malformed_cluster_url_is_an_error_not_a_quiet_single_process_run() -> None:
    with pytest.raises(ValueError, match="CLUSTER_URL must be a redis://"):
        ClusterAddon().update_settings(Settings({"CLUSTER_URL": "localhost:6379"}))
