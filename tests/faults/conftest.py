"""Fixtures of the fault suite: one moto S3 server for the session, a small site, a bucket per test."""

from __future__ import annotations

import pytest

from tests.conftest import need
from tests.support.export_site import make_site
from tests.support.moto_server import MotoServer
from tests.support.site_server import serve


@pytest.fixture(scope="session")
def moto():
    need(MotoServer.available, "moto_server (pip install 'moto[server]')")
    with MotoServer() as server:
        yield server


@pytest.fixture
def bucket(moto, request) -> str:
    name = "faults-" + request.node.name.lower().replace("_", "-").replace("[", "-").replace("]", "")[:40].strip("-")
    moto.client.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with serve(make_site(tmp_path_factory.mktemp("site"), 40)) as s:
        yield s
