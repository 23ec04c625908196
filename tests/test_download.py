"""UCR downloads against a local HTTP server (no internet)."""

from __future__ import annotations

import http.server
import io
import threading
import zipfile

import numpy as np
import pytest

from tsaugment.cli import main
from tsaugment.datasets import download_ucr, list_ucr, load_ucr


def _ts_file(name: str, rows) -> str:
    header = f"@problemName {name}\n@timeStamps false\n@univariate true\n"
    header += "@equalLength true\n@seriesLength 4\n@classLabel true a b\n@data\n"
    return header + "".join(",".join(map(str, v)) + f":{label}\n" for v, label in rows)


def _zip(name: str) -> bytes:
    """The archive's layout: NAME_TRAIN.ts, NAME_TEST.ts and other formats beside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"{name}_TRAIN.ts",
            _ts_file(name, [([1, 2, 3, 4], "a")] * 3 + [([4, 3, 2, 1], "b")] * 3),
        )
        archive.writestr(
            f"{name}_TEST.ts", _ts_file(name, [([1, 2, 3, 5], "a"), ([5, 3, 2, 1], "b")])
        )
        archive.writestr(f"{name}_TRAIN.arff", "not read")
        archive.writestr(f"{name}.txt", "description")
    return buffer.getvalue()


class _Archive(http.server.BaseHTTPRequestHandler):
    files: dict = {}
    cut_first: set = set()  # names whose first full response is cut short
    cut_always: set = set()  # names whose every response is cut short
    no_range = False  # a server that ignores Range and sends the whole file
    requests: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1].removesuffix(".zip")
        self.requests.append((name, self.headers.get("Range")))
        if name == "Page":  # the real site answers some unknown names with a page
            body = b"<!DOCTYPE html><html>not found</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if name not in self.files:
            self.send_error(404)
            return
        data = self.files[name]
        start = 0
        if self.headers.get("Range") and not self.no_range:
            start = int(self.headers["Range"].split("=")[1].rstrip("-"))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        if name in self.cut_first or name in self.cut_always:
            self.cut_first.discard(name)
            self.wfile.write(data[start : start + (len(data) - start) // 2])  # half of the rest
            self.close_connection = True
            return
        self.wfile.write(data[start:])


@pytest.fixture()
def archive():
    _Archive.files = {"Toy": _zip("Toy"), "Broken": b"PK\x03\x04" + b"\x00" * 200}
    _Archive.cut_first, _Archive.cut_always, _Archive.requests = set(), set(), []
    _Archive.no_range = False
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Archive)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_download_extracts_the_splits_load_ucr_reads(archive, tmp_path):
    folder = download_ucr("Toy", root=tmp_path, url=f"{archive}/Toy.zip")
    assert sorted(p.name for p in folder.iterdir()) == [
        "Toy_TEST.ts",
        "Toy_TRAIN.ts",
        "download.json",
    ]
    X, y = load_ucr("Toy", split="train", root=tmp_path)
    assert X.shape == (6, 1, 4) and list(y) == ["a"] * 3 + ["b"] * 3
    assert not any((tmp_path / ".partial").iterdir())  # the partial file is gone
    download_ucr("Toy", root=tmp_path, url=f"{archive}/Toy.zip")
    assert len(_Archive.requests) == 1  # present: not fetched again


def test_a_cut_transfer_resumes_with_a_range_request(archive, tmp_path):
    _Archive.cut_first = {"Toy"}
    download_ucr("Toy", root=tmp_path, url=f"{archive}/Toy.zip")
    assert _Archive.requests[0] == ("Toy", None)
    assert _Archive.requests[1][1].startswith("bytes=") and _Archive.requests[1][1] != "bytes=0-"
    X, _ = load_ucr("Toy", split="test", root=tmp_path)
    np.testing.assert_array_equal(X[0, 0], [1, 2, 3, 5])


def test_a_partial_file_left_by_a_killed_run_is_resumed(archive, tmp_path):
    data = _Archive.files["Toy"]
    (tmp_path / ".partial").mkdir()
    (tmp_path / ".partial" / "Toy.zip.part").write_bytes(data[:100])
    download_ucr("Toy", root=tmp_path, url=f"{archive}/Toy.zip")
    assert _Archive.requests == [("Toy", "bytes=100-")]


def test_a_server_without_ranges_sends_it_whole_again(archive, tmp_path):
    _Archive.no_range = True
    (tmp_path / ".partial").mkdir()
    (tmp_path / ".partial" / "Toy.zip.part").write_bytes(b"stale bytes of another file")
    download_ucr("Toy", root=tmp_path, url=f"{archive}/Toy.zip")
    assert load_ucr("Toy", split="train", root=tmp_path)[0].shape == (6, 1, 4)


def test_a_transfer_that_keeps_breaking_stops_and_keeps_what_it_has(archive, tmp_path):
    _Archive.cut_always = {"Toy"}
    with pytest.raises(ValueError, match="after 2 resumed attempts.*run again to resume"):
        download_ucr("Toy", root=tmp_path, url=f"{archive}/Toy.zip", retries=2)
    assert len(_Archive.requests) == 3
    kept = (tmp_path / ".partial" / "Toy.zip.part").stat().st_size
    assert 0 < kept < len(_Archive.files["Toy"]) and not (tmp_path / "Toy").exists()
    _Archive.cut_always = set()
    download_ucr("Toy", root=tmp_path, url=f"{archive}/Toy.zip")  # resumes from there
    assert _Archive.requests[-1] == ("Toy", f"bytes={kept}-")


def test_clear_errors(archive, tmp_path):
    with pytest.raises(ValueError, match="no UCR data set named 'Nope'.*404"):
        download_ucr("Nope", root=tmp_path, url=f"{archive}/Nope.zip")
    with pytest.raises(ValueError, match="no UCR data set named 'Page'.*web page"):
        download_ucr("Page", root=tmp_path, url=f"{archive}/Page.zip")
    with pytest.raises(ValueError, match=r"Broken\.zip\.part.*broken zip"):
        download_ucr("Broken", root=tmp_path, url=f"{archive}/Broken.zip")
    assert not (tmp_path / "Broken").exists()
    assert not (tmp_path / ".partial" / "Broken.zip.part").exists()  # refetched next time
    with pytest.raises(ValueError, match="SHA-256"):
        download_ucr("Toy", root=tmp_path, url=f"{archive}/Toy.zip", sha256="0" * 64)
    with pytest.raises(ValueError, match="letters, digits"):
        download_ucr("../etc", root=tmp_path)
    assert not (tmp_path / "Toy").exists()


def test_load_ucr_download_and_the_cli(archive, tmp_path, monkeypatch, capsys):
    from tsaugment.datasets import _download

    monkeypatch.setattr(_download, "ARCHIVE_URL", archive + "/{name}.zip")
    monkeypatch.setenv("TSAUGMENT_DATA", str(tmp_path / "cache"))
    X, y = load_ucr("Toy", download=True)
    assert X.shape == (8, 1, 4)
    assert (tmp_path / "cache" / "Toy" / "Toy_TRAIN.ts").is_file()
    assert main(["datasets", "download", "Toy", "--root", str(tmp_path / "other")]) == 0
    assert "Toy" in capsys.readouterr().out
    assert main(["datasets", "download", "Nope", "--root", str(tmp_path / "other")]) == 2
    assert "no UCR data set named 'Nope'" in capsys.readouterr().err


def test_load_ucr_without_a_root_reads_what_the_download_command_fetched(
    archive, tmp_path, monkeypatch
):
    from tsaugment.datasets import _download

    monkeypatch.setattr(_download, "ARCHIVE_URL", archive + "/{name}.zip")
    monkeypatch.delenv("TSAUGMENT_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with pytest.raises(ValueError, match="unknown data set 'Toy'"):
        load_ucr("Toy")
    download_ucr("Toy")  # into the platform cache folder
    assert "Toy" in list_ucr()["root"]
    X, y = load_ucr("Toy", split="train")  # no root, no download: found in the cache
    assert X.shape == (6, 1, 4) and list(y) == ["a"] * 3 + ["b"] * 3
