"""Tables of the auto / label-fidelity run: tsaugment's report plus auto's per-data-set view.

    python benchmarks/runs/auto_minirocket/make_tables.py benchmarks/runs/auto_minirocket

Writes report.md (and its plots) and auto.md from results.csv (the full grid, auto
with the best-mean rule), and auto_se.md from results_auto_se.csv (the auto cells
re-run with the one-standard-error rule) when it is there.
"""

import sys
from pathlib import Path

from tsaugment.benchmark import ResultsStore, auto_report, write_report

folder = Path(sys.argv[1])
results = ResultsStore(folder / "results.csv").read()
write_report(results, folder)
(folder / "auto.md").write_text(auto_report(results))
rerun = folder / "results_auto_se.csv"
if rerun.exists():
    (folder / "auto_se.md").write_text(auto_report(ResultsStore(rerun).read()))
print((folder / "auto.md").read_text())
