"""Certificates (issue 21.3): an expired certificate, one for another name, one from an untrusted
issuer and one expiring within 30 days are warnings about their host, once each, and the links on
those hosts are still judged by what the server answers; a good certificate says nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import ssl

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from servq.webcheck.crawler import Limits, Options, check_site
from servq.webcheck.crawler.output import summary, to_json, to_sarif
from servq.webcheck.rules import explain
from tests.webcheck.conftest import html, run_async

NOW = dt.datetime.now(dt.UTC)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _authority(name: str = "servq test CA"):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=400))
        .not_valid_after(NOW + dt.timedelta(days=400))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(issuer_key, issuer, *, name: str, before: dt.timedelta, after: dt.timedelta):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + before)
        .not_valid_after(NOW + after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
        .sign(issuer_key, hashes.SHA256())
    )
    return key, cert


def _write(path, key, cert) -> tuple[str, str]:
    key_file, cert_file = path / f"{cert.serial_number}.key", path / f"{cert.serial_number}.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(cert_file), str(key_file)


@contextlib.asynccontextmanager
async def tls_site(routes, cert_file: str, key_file: str):
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_route("*", path, handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    runner = web.AppRunner(app)
    await runner.setup()
    server = web.TCPSite(runner, "localhost", 0, ssl_context=context)
    await server.start()
    port = server._server.sockets[0].getsockname()[1]
    try:
        yield f"https://localhost:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
def certificates(tmp_path):
    ca_key, ca = _authority()
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    stranger_key, stranger = _authority("an issuer nobody trusts")

    def leaf(name="localhost", before=-30, after=300, issuer=(ca_key, ca)):
        return _write(
            tmp_path,
            *_leaf(*issuer, name=name, before=dt.timedelta(days=before), after=dt.timedelta(days=after)),
        )

    return {
        "ca": str(tmp_path / "ca.pem"),
        "good": leaf(),
        "expired": leaf(before=-400, after=-2),
        "other name": leaf(name="www.example.gov.tw"),
        "untrusted": leaf(issuer=(stranger_key, stranger)),
        "expiring": leaf(after=10),
    }


def test_certificate_problems_are_warnings_per_host_and_links_are_still_judged(certificates):
    async def scenario():
        async with contextlib.AsyncExitStack() as stack:
            bases = {}
            for kind in ("expired", "other name", "untrusted", "expiring"):
                bases[kind] = await stack.enter_async_context(
                    tls_site({"/": html("fine"), "/gone": html("no", status=404)}, *certificates[kind])
                )
            links = "".join(
                f'<a href="{base}/">{kind}</a> <a href="{base}/gone">x</a>\n' for kind, base in bases.items()
            )
            start = await stack.enter_async_context(tls_site({"/": html(links)}, *certificates["good"]))
            limits = Limits(timeout=5.0, retries=0, allow_private=True, ca_file=certificates["ca"])
            report = await check_site(
                [start + "/"], Options(limits=limits, max_seconds=30.0, use_sitemaps=False)
            )
            return start, bases, report

    _start, bases, report = run_async(scenario())
    host = {kind: base.removeprefix("https://") for kind, base in bases.items()}
    found = report.certificates
    assert set(found) == set(host.values()), "one warning per bad host; the good one says nothing"
    assert "expired" in found[host["expired"]]
    assert "Hostname mismatch" in found[host["other name"]]
    assert "issuer" in found[host["untrusted"]] or "self" in found[host["untrusted"]]
    assert (
        found[host["expiring"]].startswith("certificate expires on") and "(9 days)" in found[host["expiring"]]
    )
    broken = {r.url for r in report.broken}
    assert broken == {base + "/gone" for base in bases.values()}, "the 404s still count; the 200s do not"
    assert explain(found[host["expired"]]).startswith("憑證已過期")
    assert explain(found[host["expiring"]]).startswith("憑證將於")
    assert "CERTIFICATE" in summary(report)
    assert len(json.loads(to_json(report))["certificates"]) == 4
    sarif = json.loads(to_sarif(report))["runs"][0]["results"]
    assert sum(1 for r in sarif if r["ruleId"] == "certificate") == 4
