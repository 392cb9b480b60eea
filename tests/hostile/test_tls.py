"""What the caller passes as ssl_verify_cert wins over REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE
(item 2).  requests and niquests read those variables per request (their
merge_environment_settings) and let them replace the session's ``verify``; the transports
pass ``verify`` with each request, which the libraries keep as it is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from caldav.jmap import JMAPConnectionError
from tests.hostile.server import HostileServer
from tests.hostile.tls import PKI, make_pki

ENV_BUNDLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> PKI:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tls_server(pki) -> Iterator[HostileServer]:
    server = HostileServer()
    server.start(tls=pki.server_context())
    server.serve_jmap()
    yield server
    server.stop()


def test_the_issuing_ca_pinned_is_accepted(tls_server, pki, drive):
    session = drive(tls_server.well_known, ssl_verify_cert=str(pki.issuer))("get_session")
    assert session.api_url.startswith(tls_server.url)


def test_a_pinned_ca_that_did_not_issue_the_certificate_is_refused(
    tls_server, pki, drive, monkeypatch
):
    driver = drive(tls_server.well_known, ssl_verify_cert=str(pki.stranger))
    with pytest.raises(JMAPConnectionError):
        driver("get_session")
    # and the environment pointing at the issuing CA does not replace the pinned one
    for name in ENV_BUNDLES:
        monkeypatch.setenv(name, str(pki.issuer))
    with pytest.raises(JMAPConnectionError):
        drive(tls_server.well_known, ssl_verify_cert=str(pki.stranger))("get_session")
    assert not any(r.path == "/jmap/session" for r in tls_server.received)


def test_verification_turned_off_stays_off_whatever_the_environment(
    tls_server, pki, drive, monkeypatch
):
    for name in ENV_BUNDLES:
        monkeypatch.setenv(name, str(pki.stranger))
    session = drive(tls_server.well_known, ssl_verify_cert=False)("get_session")
    assert session.api_url.startswith(tls_server.url)
