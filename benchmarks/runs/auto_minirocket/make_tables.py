"""Tables of the auto / label-fidelity run: tsaugment's report plus auto's per-data-set view.

python benchmarks/runs/auto_minirocket/make_tables.py benchmarks/runs/auto_minirocket
"""

import sys
from pathlib import Path

from tsaugment.benchmark import ResultsStore, auto_report, write_report

folder = Path(sys.argv[1])
results = ResultsStore(folder / "results.csv").read()
write_report(results, folder)
(folder / "auto.md").write_text(auto_report(results))
print(auto_report(results))
