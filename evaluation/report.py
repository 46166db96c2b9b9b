"""results.json and report.html (matplotlib figures inlined as PNG) from a finished run directory."""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path

from evaluation.metrics import MEASURES


def _figure(size: tuple[float, float]):  # noqa: ANN202 - (matplotlib figure, axes)
    """A new figure on the file-only backend, chosen here when plotting, not when this module is imported."""
    import matplotlib

    matplotlib.use("Agg")  # no screen; figures are written, never shown
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=size)


def _png(figure) -> str:  # noqa: ANN001
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def metric_bars(results: dict) -> str:
    modes = list(results["retrieval"]["modes"])
    names = list(MEASURES)
    figure, axis = _figure((9, 3.6))
    width = 0.8 / max(1, len(modes))
    for i, mode in enumerate(modes):
        stats = results["retrieval"]["modes"][mode]
        means = [stats[n]["mean"] for n in names]
        errors = [
            [m - stats[n]["ci95"][0] for n, m in zip(names, means)],
            [stats[n]["ci95"][1] - m for n, m in zip(names, means)],
        ]
        axis.bar([x + i * width for x in range(len(names))], means, width, yerr=errors, capsize=3, label=mode)
    axis.set_xticks([x + width * (len(modes) - 1) / 2 for x in range(len(names))], names)
    axis.set_ylim(0, 1.05)
    axis.set_ylabel("mean over questions (95% CI)")
    axis.legend()
    return _png(figure)


def recall_curves(results: dict) -> str:
    figure, axis = _figure((5, 3.6))
    ks = [1, 5, 10, 50]
    for mode, stats in results["retrieval"]["modes"].items():
        axis.plot(ks, [stats[f"R@{k}"]["mean"] for k in ks], marker="o", label=mode)
    axis.set_xscale("log")
    axis.set_xticks(ks, [str(k) for k in ks])
    axis.set_xlabel("k (documents)")
    axis.set_ylabel("Recall@k")
    axis.legend()
    return _png(figure)


def latency_histogram(stages: dict[str, list[float]]) -> str:
    figure, axis = _figure((5, 3.6))
    for stage, values in stages.items():
        if values:
            axis.hist(values, bins=30, alpha=0.6, label=stage)
    axis.set_xlabel("milliseconds")
    axis.set_ylabel("questions")
    axis.legend()
    return _png(figure)


def _table(rows: dict[str, dict[str, float]], digits: int) -> str:
    """A dict of dicts as an HTML table: one row per outer key, one column per inner key."""
    if not rows:
        return "<p>—</p>"
    columns = list(next(iter(rows.values())))
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        f"<tr><th>{escape(name)}</th>" + "".join(f"<td>{values[c]:.{digits}f}</td>" for c in columns) + "</tr>"
        for name, values in rows.items()
    )
    return f"<table><tr><th></th>{head}</tr>{body}</table>"


def heading_table(sample: list[dict]) -> str:
    """Questions beside their research sub-headings, for reading whether the headings make sense."""
    if not sample:
        return "<p>—</p>"
    body = "".join(
        f"<tr><th>{escape(s['id'])}</th><td>{escape(s['question'])}</td>"
        f"<td>{'<br>'.join(escape(h) for h in s['headings'])}</td></tr>"
        for s in sample
    )
    return f"<table><tr><th>id</th><th>question</th><th>headings</th></tr>{body}</table>"


def write_report(
    out: Path, results: dict, stages: dict[str, list[float]], worst: list[dict], headings: list[dict] | None = None
) -> Path:
    rows = "".join(
        f"<tr><th>{escape(mode)}</th>"
        + "".join(f"<td>{s[n]['mean']:.3f} <small>[{s[n]['ci95'][0]:.3f}, {s[n]['ci95'][1]:.3f}]</small></td>" for n in MEASURES)
        + "</tr>"
        for mode, s in results["retrieval"]["modes"].items()
    )
    answers = "".join(
        f"<tr><th>{escape(k.replace('_', ' '))}</th>"
        f"<td>{'—' if v is None else f'{v:.3f}' if isinstance(v, float) else v}</td></tr>"
        for k, v in results["answers"].items()
    )
    designs = _table(results.get("research_designs") or {}, 3)  # runs from before designs were recorded: none
    worst_items = "".join(
        f"<li><b>{escape(w['id'])}</b> {escape(w['question'])}<br>gold: {escape(', '.join(w['gold']))}; "
        f"retrieved: {escape(', '.join(w['retrieved'][:5]))} (MRR@10 {w['mrr']:.2f})</li>"
        for w in worst
    )
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>medcite evaluation</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccd;padding:.3rem .5rem;text-align:left}}small{{color:#667}}</style></head><body>
<h1>medcite evaluation</h1>
<p>{escape(str(results['questions']))} questions · index {escape(results['index_version'])} · {escape(results['set'])}</p>
<h2>Retrieval (document level, mean with 95% bootstrap CI)</h2>
<table><tr><th>mode</th>{''.join(f'<th>{n}</th>' for n in MEASURES)}</tr>{rows}</table>
<img alt="metrics per mode" src="data:image/png;base64,{metric_bars(results)}">
<img alt="recall at k" src="data:image/png;base64,{recall_curves(results)}">
<h2>Paired randomisation tests (p-values, two-sided)</h2>{_table(results['retrieval']['paired'], 3)}
<h2>Answers</h2><table>{answers}</table>
<h2>Study designs of the cited research</h2>
<p>Each research point's design as shown: share of all research points, mean share per answer citing research, and
points per answer.</p>{designs}
<h2>Sample of headings</h2>{heading_table(headings or [])}
<h2>Latency (ms)</h2>{_table(results['latency_ms'], 1)}
<img alt="latency histogram" src="data:image/png;base64,{latency_histogram(stages)}">
<h2>Worst questions (hybrid)</h2><ol>{worst_items}</ol>
</body></html>"""
    path = out / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
