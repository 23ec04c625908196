"""Markdown tables of benchmarks/vae_label_fidelity.py's rows (means over seeds).

    python benchmarks/runs/vae_label_fidelity/make_tables.py \
        benchmarks/runs/vae_label_fidelity/vae_label_fidelity.csv

``version`` is the part of ``tag`` before the first "-" (before / after). Tables:
before against after at the VAE's defaults (noise 0.1, no ``min_steps``) per number
of epochs; every setting on the six development sets; after with and without
``min_steps`` per data set at 100 epochs.
"""

import sys

import pandas as pd

SIX = ["ArrowHead", "Beef", "Coffee", "GunPoint", "ECG200", "Wine"]

d = pd.read_csv(sys.argv[1])
d["version"] = d.tag.str.split("-").str[0]
d["gain"] = 100 * (d.accuracy_vae - d.accuracy_none)
d["min_steps"] = d.min_steps.fillna(0).astype(int)
order = list(dict.fromkeys(d.dataset))
keys = ["dataset", "n_classes", "epochs", "noise", "min_steps", "version"]
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


def pair(x, y, fmt):
    if pd.isna(x) and pd.isna(y):
        return "-"
    return f"{x:{fmt}} / {y:{fmt}}"


default = g[(g.noise == 0.1) & (g.min_steps == 0)]
for epochs in sorted(default.epochs.unique()):
    rows = default[default.epochs == epochs].set_index(["dataset", "version"])
    print(f"\n### {epochs} epochs, noise 0.1 (before / after)\n")
    print(
        "| data set (classes) | fidelity before [min-max] | fidelity after [min-max] "
        "| worst class | latent spread | copy ratio | gain (points) | fit s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    both = [n for n in order if (n, "before") in rows.index and (n, "after") in rows.index]
    for name in both:
        b, a = rows.loc[(name, "before")], rows.loc[(name, "after")]
        print(
            f"| {name} ({int(b.n_classes)}) | {b.fid:.3f} [{b.fmin:.2f}-{b.fmax:.2f}] "
            f"| {a.fid:.3f} [{a.fmin:.2f}-{a.fmax:.2f}] | {pair(b.worst, a.worst, '.2f')} "
            f"| {pair(b.spread, a.spread, '.3f')} | {pair(b.cratio, a.cratio, '.2f')} "
            f"| {pair(b.gain, a.gain, '+.2f')} | {pair(b.fit, a.fit, '.1f')} |"
        )
    groups = {f"mean, {len(both)} sets": both}
    if set(SIX) < set(both):
        groups = {"mean, the six": SIX, **groups}
    for label, names in groups.items():
        m = rows.loc[names].groupby("version")[["fid", "gain", "fit"]].mean(skipna=False)
        print(
            f"| {label} | {m.loc['before', 'fid']:.3f} | {m.loc['after', 'fid']:.3f} | | | "
            f"| {pair(m.loc['before', 'gain'], m.loc['after', 'gain'], '+.2f')} "
            f"| {pair(m.loc['before', 'fit'], m.loc['after', 'fit'], '.1f')} |"
        )

print("\n### every setting on the six development sets (means over sets and seeds)\n")
print(
    "| version | epochs | noise | min_steps | fidelity | copy ratio | gain (points) "
    "| up/down/tied |"
)
print("|---|---:|---:|---:|---:|---:|---:|---|")
six = g[g.dataset.isin(SIX)]
for (version, epochs, noise, steps), part in six.groupby(
    ["version", "epochs", "noise", "min_steps"]
):
    if len(part) < len(SIX):
        continue
    up, down = int((part.gain > 1e-9).sum()), int((part.gain < -1e-9).sum())
    tied = len(part) - up - down
    print(
        f"| {version} | {epochs} | {noise} | {steps or '-'} | {part.fid.mean():.3f} "
        f"| {part.cratio.mean():.2f} | {part.gain.mean():+.2f} | {up}/{down}/{tied} |"
    )

stepped = g[(g.version == "after") & (g.epochs == 100) & (g.noise == 0.1)]
if (stepped.min_steps > 0).any():
    steps = int(stepped.min_steps.max())
    print(f"\n### after, 100 epochs: without / with min_steps={steps}\n")
    print("| data set (classes) | fidelity | worst class | copy ratio | gain (points) | fit s |")
    print("|---|---:|---:|---:|---:|---:|")
    rows = stepped.set_index(["dataset", "min_steps"])
    for name in order:
        if (name, 0) in rows.index and (name, steps) in rows.index:
            b, a = rows.loc[(name, 0)], rows.loc[(name, steps)]
            print(
                f"| {name} ({int(b.n_classes)}) | {pair(b.fid, a.fid, '.3f')} "
                f"| {pair(b.worst, a.worst, '.2f')} | {pair(b.cratio, a.cratio, '.2f')} "
                f"| {pair(b.gain, a.gain, '+.2f')} | {pair(b.fit, a.fit, '.1f')} |"
            )
