"""Document pipeline benchmark: `python bench/documents.py [repetitions]`.

1. A one-page result rendered through the portal's pipeline (Jinja template, QR code, the reused font
   configuration and parsed stylesheet, the asset-only URL fetcher) against bare WeasyPrint on the same HTML
   (`weasyprint.HTML(string=html).write_pdf()`, stylesheet inlined so both produce the same document),
   alternated in the same run. Target: pipeline median at most 1.3 x bare median.
2. PAdES signing of that PDF with a unit's (cached) key. Target: median at most 60 ms.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import weasyprint  # noqa: E402

from portal.documents.fetcher import ASSET_BASE_URL  # noqa: E402
from portal.documents.pki import SignerStore, UnitIdentity, init_dev  # noqa: E402
from portal.documents.render import render_html, render_pdf  # noqa: E402
from portal.documents.samples import sample_context  # noqa: E402
from portal.documents.signing import sign_pdf  # noqa: E402

TEMPLATE = "generic_result"
RENDER_TARGET = 1.3
SIGN_TARGET_MS = 60.0


def _timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def bench_render(repetitions: int) -> dict:
    context = sample_context(TEMPLATE)
    html = render_html(TEMPLATE, context, standalone=True)

    def pipeline():
        return render_pdf(TEMPLATE, context)

    def bare():
        return weasyprint.HTML(string=html, base_url=ASSET_BASE_URL).write_pdf()

    pipeline(), bare()  # first use loads fonts and libraries for both
    ours, theirs = [], []
    for i in range(repetitions):
        order = (pipeline, bare) if i % 2 == 0 else (bare, pipeline)
        for func in order:
            elapsed, _ = _timed(func)
            (ours if func is pipeline else theirs).append(elapsed)
    return {"pipeline_ms": statistics.median(ours) * 1000, "bare_ms": statistics.median(theirs) * 1000,
            "ratio": statistics.median(ours) / statistics.median(theirs)}


def bench_sign(repetitions: int) -> dict:
    pdf = render_pdf(TEMPLATE, sample_context(TEMPLATE))
    with tempfile.TemporaryDirectory() as pki_dir:
        init_dev(pki_dir, [UnitIdentity("tam-hong", "Ủy ban nhân dân xã Tam Hồng")])
        store = SignerStore(pki_dir=pki_dir)
        first, _ = _timed(lambda: sign_pdf(pdf, store.signer_for("tam-hong")))  # includes parsing the key
        times = [_timed(lambda: sign_pdf(pdf, store.signer_for("tam-hong"), reason="Cấp kết quả",
                                         location="Tam Hồng"))[0] for _ in range(repetitions)]
    return {"first_ms": first * 1000, "median_ms": statistics.median(times) * 1000,
            "max_ms": max(times) * 1000}


def main(argv):
    repetitions = int(argv[1]) if len(argv) > 1 else 20
    render = bench_render(repetitions)
    sign = bench_sign(repetitions)
    print(f"documents benchmark, {repetitions} repetitions each, template {TEMPLATE!r} (one A4 page)")
    print(f"  render  pipeline median {render['pipeline_ms']:.1f} ms | bare WeasyPrint median "
          f"{render['bare_ms']:.1f} ms | ratio {render['ratio']:.2f}x (target <= {RENDER_TARGET}x) "
          f"{'OK' if render['ratio'] <= RENDER_TARGET else 'OVER'}")
    print(f"  sign    median {sign['median_ms']:.1f} ms, max {sign['max_ms']:.1f} ms, first (parses the key) "
          f"{sign['first_ms']:.1f} ms (target <= {SIGN_TARGET_MS:.0f} ms) "
          f"{'OK' if sign['median_ms'] <= SIGN_TARGET_MS else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
