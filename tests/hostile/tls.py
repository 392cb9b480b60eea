"""Throwaway certificate authorities for TLS tests, made with the ``openssl`` command.

:func:`make_pki` writes two CAs into a directory: ``issuer`` signed a certificate for
127.0.0.1 (the server's), ``stranger`` signed nothing the server has.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PKI", "make_pki"]

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


@dataclass(frozen=True)
class PKI:
    issuer: Path  # the CA that signed the server's certificate (PEM)
    stranger: Path  # a CA that signed nothing here
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _ca(name: str, cwd: Path) -> None:
    _run(
        "req", "-x509", *_EC, "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
        "-subj", f"/CN=Throwaway {name} CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=cwd,
    )  # fmt: skip


def make_pki(directory: Path) -> PKI:
    """Two CAs and a server certificate for 127.0.0.1 signed by the first."""
    if shutil.which("openssl") is None:
        raise RuntimeError("the openssl command is needed for the TLS tests")
    for name in ("issuer", "stranger"):
        _ca(name, directory)
    _run("req", *_EC, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1",
         cwd=directory)  # fmt: skip
    (directory / "ext.cnf").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    _run(
        "x509", "-req", "-in", "server.csr", "-CA", "issuer.pem", "-CAkey", "issuer.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf",
        cwd=directory,
    )  # fmt: skip
    return PKI(
        directory / "issuer.pem",
        directory / "stranger.pem",
        directory / "server.pem",
        directory / "server.key",
    )
