"""Markdown tables of benchmarks/vae_label_fidelity.py's rows (means over seeds).

    python benchmarks/runs/vae_label_fidelity/make_tables.py \
        benchmarks/runs/vae_label_fidelity/vae_label_fidelity.csv

Per number of epochs at the VAE's default noise, the two package versions (the part
of ``tag`` before the first "-") side by side; then every (version, epochs, noise)
with its mean label fidelity, copy ratio and accuracy gain.
"""

import sys

import pandas as pd

ORDER = ["ArrowHead", "Beef", "Coffee", "GunPoint", "ECG200", "Wine"]

d = pd.read_csv(sys.argv[1])
d["version"] = d.tag.str.split("-").str[0]
d["gain"] = 100 * (d.accuracy_vae - d.accuracy_none)
keys = ["dataset", "n_classes", "epochs", "noise", "version"]
g = (
    d.groupby(keys)
    .agg(
        fid=("label_fidelity", "mean"),
        fmin=("label_fidelity", "min"),
        fmax=("label_fidelity", "max"),
        worst=("worst_class", "mean"),
        spread=("latent_spread", "mean"),
        cratio=("copy_ratio", "mean"),
        gain=("gain", "mean"),
        fit=("fit_s", "mean"),
    )
    .reset_index()
)

default = g[g.noise == 0.1]
for epochs in sorted(default.epochs.unique()):
    rows = default[default.epochs == epochs].set_index(["dataset", "version"])
    print(f"\n### {epochs} epochs, noise 0.1 (before / after)\n")
    print(
        "| data set (classes) | fidelity before [min-max] | fidelity after [min-max] "
        "| worst class | latent spread | copy ratio | gain (points) | fit s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in ORDER:
        b, a = rows.loc[(name, "before")], rows.loc[(name, "after")]
        print(
            f"| {name} ({int(b.n_classes)}) | {b.fid:.3f} [{b.fmin:.2f}-{b.fmax:.2f}] "
            f"| {a.fid:.3f} [{a.fmin:.2f}-{a.fmax:.2f}] | {b.worst:.2f} / {a.worst:.2f} "
            f"| {b.spread:.3f} / {a.spread:.3f} | {b.cratio:.2f} / {a.cratio:.2f} "
            f"| {b.gain:+.2f} / {a.gain:+.2f} | {b.fit:.1f} / {a.fit:.1f} |"
        )
    m = default[default.epochs == epochs].groupby("version")[["fid", "gain", "fit"]].mean()
    print(
        f"| mean | {m.loc['before', 'fid']:.3f} | {m.loc['after', 'fid']:.3f} | | | "
        f"| {m.loc['before', 'gain']:+.2f} / {m.loc['after', 'gain']:+.2f} "
        f"| {m.loc['before', 'fit']:.1f} / {m.loc['after', 'fit']:.1f} |"
    )

print("\n### every setting (means over data sets and seeds)\n")
print("| version | epochs | noise | fidelity | copy ratio | gain (points) | up / down / tied |")
print("|---|---:|---:|---:|---:|---:|---|")
for (version, epochs, noise), part in g.groupby(["version", "epochs", "noise"]):
    up, down = int((part.gain > 1e-9).sum()), int((part.gain < -1e-9).sum())
    print(
        f"| {version} | {epochs} | {noise} | {part.fid.mean():.3f} | {part.cratio.mean():.2f} "
        f"| {part.gain.mean():+.2f} | {up} / {down} / {len(part) - up - down} |"
    )
