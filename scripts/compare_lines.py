#!/usr/bin/env python3
"""The judging half of scripts/compare_models.sh: two models' eval lines over several seeds.

Usage: compare_lines.py OUT "TYPES" "SEEDS"
Reads OUT/{A,B}-TYPE-SEED.json (`abcrnn eval --json`) and prints one row per line of the card:
each model's mean and standard deviation over the seeds, B - A, twice the standard error of the
difference, Welch's two-sided p-value, and two verdicts:
- per line: "better" or "worse" where B differs from A by more than 2 standard errors (as the
  card has always been read); over the card's 48 lines this flags about 3 lines of two models
  that do not differ (models/README.md measures it on the shipped model against itself);
- family-wise: Holm's step-down over every line compared (alpha 0.05), so that the chance of
  flagging any line of two equal models is at most 5%: "better*" or "worse*".
Better is: closer to the real tunes for the form rows (end on the tonic, repeats, equal parts,
bars, pitch range, bars echoing one of the 8 before: a line only where every set has it), higher
for the style overlaps and validity, closer to 0.5 for the classifier's accuracy. For a set of several tune types (the mix), each R: type's share that ends
on the tonic follows, pooled over the seeds and not judged: which type moved the set's line.
Standard library only.
"""
import json
import math
import os
import statistics
import sys

ALPHA = 0.05


def lines(j):
    g, r = j["generated"]["form"], j["reference"]["form"]
    row = {"valid": (g["valid"], "higher")}
    for key, label in [("ends_on_tonic", "end on the tonic"), ("repeats", "repeats"),
                       ("equal_parts", "parts of equal length"), ("mean_bars", "bars (mean)"),
                       ("mean_pitch_range", "pitch range (mean)")]:
        row[label] = (g[key], ("closer", r[key]))
    if g.get("echo_bars") is not None and r.get("echo_bars") is not None:  # evals since 2026-12-02
        row["bars echoing (8 back)"] = (g["echo_bars"], ("closer", r["echo_bars"]))
    for s in j["style"]:
        row["overlap " + s["feature"]] = (s["overlap"], "higher")
    if "accuracy" in j.get("classifier", {}):
        row["classifier accuracy"] = (j["classifier"]["accuracy"], ("closer", 0.5))
    return row


def type_tonic(j):
    """Each R: type's share that ends on the tonic in a set, its real share and its tunes with a
    tonic (eval's form-per-type table; absent from evals older than that column)."""
    out = {}
    for t, v in j.get("by_type", {}).items():
        g, r = v["generated"], v["reference"]
        if g.get("ends_on_tonic") is not None and r.get("ends_on_tonic") is not None:
            out[t] = (g["ends_on_tonic"], r["ends_on_tonic"], g["tonic_tunes"])
    return out


def goodness(value, how):  # larger is better
    if how == "higher":
        return value
    return -abs(value - how[1])


def betainc(a, b, x):
    """The regularised incomplete beta function I_x(a, b) (Numerical Recipes' continued fraction)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    if x > (a + 1) / (a + b + 2):
        return 1.0 - betainc(b, a, 1.0 - x)
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)) / a
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    f = d
    for m in range(1, 300):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            f *= c * d
        if abs(c * d - 1.0) < 1e-14:
            break
    return front * f


def welch_p(a, b):
    """Two-sided p-value of Welch's t-test that the means of samples a and b are equal."""
    va = statistics.variance(a) / len(a) if len(a) > 1 else 0.0
    vb = statistics.variance(b) / len(b) if len(b) > 1 else 0.0
    diff = statistics.mean(b) - statistics.mean(a)
    if va + vb == 0:
        return 1.0 if diff == 0 else 0.0
    t = diff / math.sqrt(va + vb)
    dfs = [(v, len(s) - 1) for v, s in ((va, a), (vb, b)) if v > 0]
    df = (va + vb) ** 2 / sum(v * v / n for v, n in dfs)
    return betainc(df / 2, 0.5, df / (df + t * t))


def holm(pvalues, alpha=ALPHA):
    """Which hypotheses Holm's step-down rejects at family-wise level alpha (a list of bools)."""
    order = sorted(range(len(pvalues)), key=lambda i: pvalues[i])
    rejected = [False] * len(pvalues)
    for k, i in enumerate(order):
        if pvalues[i] > alpha / (len(pvalues) - k):
            break
        rejected[i] = True
    return rejected


def missing_sets(out, types, seeds):
    """The eval files main() needs that are not in OUT (a card still running, or a seed left out)."""
    return [f"{out}/{m}-{t}-{s}.json" for t in types for m in "AB" for s in seeds
            if not os.path.isfile(f"{out}/{m}-{t}-{s}.json")]


def main(out, types, seeds):
    rows = []
    within = []  # (set, R: type, A's mean share, B's, real, A's tunes, B's) of sets of several types
    for t in types:
        evals = {m: [json.load(open(f"{out}/{m}-{t}-{s}.json")) for s in seeds] for m in "AB"}
        runs = {m: [lines(j) for j in evals[m]] for m in "AB"}
        by_type = {m: [type_tonic(j) for j in evals[m]] for m in "AB"}
        shared = set.intersection(*[set(b) for m in "AB" for b in by_type[m]])
        if len(shared) >= 2:
            for kind in sorted(shared, key=lambda k: -sum(b[k][2] for b in by_type["A"])):
                # Pooled over the seeds: each seed's share weighted by its tunes with a tonic.
                share = {m: sum(b[kind][0] * b[kind][2] for b in by_type[m]) /
                         max(1, sum(b[kind][2] for b in by_type[m])) for m in "AB"}
                tunes = {m: sum(b[kind][2] for b in by_type[m]) for m in "AB"}
                within.append((t, kind, share["A"], share["B"], by_type["A"][0][kind][1], tunes["A"], tunes["B"]))
        for label in runs["A"][0]:
            if not all(label in r for m in "AB" for r in runs[m]):
                continue
            val = {m: [r[label][0] for r in runs[m]] for m in "AB"}
            good = {m: [goodness(*r[label]) for r in runs[m]] for m in "AB"}
            sd = {m: statistics.stdev(val[m]) if len(val[m]) > 1 else 0.0 for m in "AB"}
            gsd = {m: statistics.stdev(good[m]) if len(good[m]) > 1 else 0.0 for m in "AB"}
            diff = statistics.mean(good["B"]) - statistics.mean(good["A"])
            se2 = 2 * math.sqrt(gsd["A"] ** 2 / len(good["A"]) + gsd["B"] ** 2 / len(good["B"]))
            verdict = "better" if diff > se2 else "worse" if diff < -se2 else "same"
            how = {m: runs[m][0][label][1] for m in "AB"}
            real = (f"  (real: {how['A'][1]:.3f}, {how['B'][1]:.3f})"
                    if how["A"] != "higher" and label != "classifier accuracy" else "")
            rows.append(dict(type=t, label=label, ma=statistics.mean(val["A"]), sa=sd["A"],
                             mb=statistics.mean(val["B"]), sb=sd["B"], se2=se2, diff=diff,
                             p=welch_p(good["A"], good["B"]), verdict=verdict, real=real))
    family = holm([r["p"] for r in rows])
    print(f"{'type':9s} {'line':24s} {'A mean':>8s} {'sd':>6s} {'B mean':>8s} {'sd':>6s} {'B-A':>8s} "
          f"{'2 se':>6s} {'p':>7s}  verdict")
    counts = {"better": 0, "same": 0, "worse": 0}
    strict = {"better": 0, "worse": 0}
    for r, rejected in zip(rows, family):
        counts[r["verdict"]] += 1
        mark = ""
        if rejected:
            kind = "better" if r["diff"] > 0 else "worse"
            strict[kind] += 1
            mark = f" ({kind}*)"
        print(f"{r['type']:9s} {r['label']:24s} {r['ma']:8.3f} {r['sa']:6.3f} {r['mb']:8.3f} {r['sb']:6.3f} "
              f"{r['mb'] - r['ma']:+8.3f} {r['se2']:6.3f} {r['p']:7.4f}  {r['verdict']}{mark}{r['real']}")
    print(f"B against A over seeds {' '.join(seeds)}: {counts['better']} better, {counts['same']} same, "
          f"{counts['worse']} worse")
    print(f"family-wise (Holm over {len(rows)} lines, alpha {ALPHA}): {strict['better']} better*, "
          f"{strict['worse']} worse*")
    if within:
        print("end on the tonic by R: type within a set of several (pooled over the seeds; not judged):")
        for t, kind, a, b, real, na, nb in within:
            print(f"{t:9s} {kind:24s} {a:8.3f} {'':6s} {b:8.3f} {'':6s} {b - a:+8.3f}  "
                  f"(real: {real:.3f}; tunes {na}, {nb})")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit('usage: compare_lines.py OUT "TYPES" "SEEDS"')
    missing = missing_sets(sys.argv[1], sys.argv[2].split(), sys.argv[3].split())
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        print(f"compare_lines.py: expected {len(missing)} more eval files (abcrnn eval --json of each set): {shown}",
              file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2].split(), sys.argv[3].split())
