"""Tables for the terminal and the same results as JSON.

A workload result is a dict: id, title, note, columns [(key, header, kind)], rows [dict],
skipped {impl: reason}, checks [str], targets [{workload, what, limit, value, status}].
"""
import json
import math

_UNITS = [(1.0, "s"), (1e-3, "ms"), (1e-6, "us"), (1e-9, "ns")]


def fmt_time(seconds):
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "-"
    for scale, unit in _UNITS:
        if abs(seconds) >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _fmt(kind, value):
    if value is None or value == "":
        return "" if kind == "str" else "-"
    if kind == "str":
        return str(value)
    if kind == "int":
        return f"{value:,}"
    if kind == "time":
        return fmt_time(value)
    if kind == "time_range":
        return f"{fmt_time(value[0])} .. {fmt_time(value[1])}"
    if kind == "ratio":
        return f"{value:.2f}"
    if kind == "ratio_range":
        return f"{value[0]:.2f}..{value[1]:.2f}"
    if kind == "cores":
        return f"{value:.2f}"
    if kind == "mb":
        return f"{value:.1f} MB"
    if kind == "bytes":
        return f"{value:,.0f} B"
    raise ValueError(kind)


def table(columns, rows):
    """Aligned plain-text table; text left-aligned, numbers right-aligned."""
    head = [h for _, h, _ in columns]
    body = [[_fmt(kind, row.get(key)) for key, _, kind in columns] for row in rows]
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    left = [kind == "str" for _, _, kind in columns]

    def line(cells):
        return "  ".join(c.ljust(w) if l else c.rjust(w) for c, w, l in zip(cells, widths, left)).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in body])


def workload_text(result):
    out = [f"== {result['id']}  {result['title']}"]
    if result.get("note"):
        out.append(f"   ({result['note']})")
    if result["rows"]:
        out.append(table(result["columns"], result["rows"]))
    for name, reason in result.get("skipped", {}).items():
        out.append(f"   skipped {name}: {reason}")
    return "\n".join(out)


def targets_text(results):
    rows = [t for r in results for t in r.get("targets", [])]
    if not rows:
        return ""
    for t in rows:
        v = t.get("value")
        t["shown"] = "-" if v is None else (f"{v:.3g}" if isinstance(v, float) else str(v))
    cols = [("workload", "workload", "str"), ("what", "measure", "str"),
            ("shown", "value", "str"), ("limit", "target", "str"), ("status", "status", "str")]
    return "== Targets\n" + table(cols, rows)


def header_text(meta):
    lines = ["autodiff benchmarks"]
    for key, value in meta.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        lines.append(f"  {key}: {value}")
    return "\n".join(lines)


def write_json(path, meta, results):
    def clean(obj):
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items() if k != "shown"}
        if isinstance(obj, (list, tuple)):
            return [clean(v) for v in obj]
        if isinstance(obj, float) and not math.isfinite(obj):
            return None
        return obj

    with open(path, "w") as f:
        json.dump(clean({"meta": meta, "workloads": results}), f, indent=1)
        f.write("\n")
