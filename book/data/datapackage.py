"""The data dictionary (``data/datapackage.json``, Frictionless style) and validation against it."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import DATA, DATAPACKAGE


def descriptor() -> dict:
    """The parsed ``data/datapackage.json``."""
    return json.loads(DATAPACKAGE.read_text(encoding="utf-8"))


def resource(name: str) -> dict:
    """One resource of the data dictionary, by name."""
    for res in descriptor()["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"data/datapackage.json has no resource {name!r}")


def resource_path(res: dict) -> Path:
    """Where a resource's file is (its ``path`` is relative to ``data/``)."""
    return DATA / res["path"]


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cast(series: pd.Series, ftype: str, name: str, resource_name: str) -> pd.Series:
    if ftype == "string":
        return series
    if pd.api.types.is_numeric_dtype(series):
        numeric = series  # already parsed as numbers by read()'s fast path
    else:
        numeric = pd.to_numeric(series.replace("", None), errors="coerce")
        bad = numeric.isna() & series.ne("")
        if bad.any():
            raise ValueError(f"{resource_name}: column {name!r} holds non-numeric value {series[bad].iloc[0]!r} "
                             f"(row {bad.idxmax() + 2} of the file)")
    if ftype == "integer":
        frac = numeric.notna() & (numeric % 1 != 0)
        if frac.any():
            raise ValueError(f"{resource_name}: column {name!r} must be whole numbers; found {numeric[frac].iloc[0]}")
        return numeric.astype("Int64")
    return numeric.astype(float)


def validate(frame: pd.DataFrame, res: dict) -> pd.DataFrame:
    """Check a table read as strings against its schema and return it typed.

    Checks the column names and order, each field's type, the ``required``,
    ``minimum``/``maximum``, ``enum`` and ``pattern`` constraints, and the primary key.

    Raises
    ------
    ValueError
        Naming the column, value and row at fault.
    """
    name = res["name"]
    fields = res["schema"]["fields"]
    expected = [f["name"] for f in fields]
    if list(frame.columns) != expected:
        missing = [c for c in expected if c not in frame.columns]
        extra = [c for c in frame.columns if c not in expected]
        raise ValueError(f"{name}: columns differ from the dictionary (missing {missing}, unexpected {extra}, "
                         f"expected order {expected})")
    columns = {}
    for f in fields:
        col, cons, ftype = f["name"], f.get("constraints", {}), f["type"]
        typed = _cast(frame[col], ftype, col, name)
        columns[col] = typed
        # checks on numpy arrays: tables with a hundred item columns are read by every chapter
        if ftype == "string":
            values = typed.to_numpy(dtype=object)
            empty = pd.isna(values) | (values == "")
        else:
            values = typed.to_numpy(dtype=float, na_value=np.nan)
            empty = np.isnan(values)
        row = lambda mask: frame.index[np.flatnonzero(mask)[0]] + 2  # noqa: E731 (file row: header is row 1)
        show = (lambda v: int(v) if ftype == "integer" else v) if ftype != "string" else (lambda v: v)  # noqa: E731
        if cons.get("required") and empty.any():
            raise ValueError(f"{name}: column {col!r} is required but empty in {int(empty.sum())} row(s), "
                             f"first at row {row(empty)} of the file")
        present = values[~empty]
        if "enum" in cons:
            off = ~pd.Series(present).isin(cons["enum"]).to_numpy()
            if off.any():
                raise ValueError(f"{name}: column {col!r} has value {show(present[off][0])!r}, not one of {cons['enum']}")
        if "pattern" in cons:
            # match each distinct value once: identifiers repeat on many rows
            text = pd.Series(present).astype(str)
            distinct = pd.Series(text.unique())
            misfits = distinct[~distinct.str.fullmatch(cons["pattern"])]
            off = text.isin(misfits).to_numpy()
            if off.any():
                raise ValueError(f"{name}: column {col!r} has value {present[off][0]!r}, "
                                 f"which does not match the pattern {cons['pattern']!r}")
        for key, op, word in (("minimum", np.less, "below"), ("maximum", np.greater, "above")):
            if key in cons:
                off = op(present, cons[key])
                if off.any():
                    where = np.zeros(len(values), dtype=bool)
                    where[np.flatnonzero(~empty)[off]] = True
                    raise ValueError(f"{name}: column {col!r} has {int(off.sum())} value(s) {word} the allowed "
                                     f"{key} {cons[key]}, first {show(present[off][0])} at row {row(where)} of the file")
    out = pd.DataFrame(columns, index=frame.index)
    key = res["schema"].get("primaryKey")
    if key:
        dup = out.duplicated(key, keep=False)
        if dup.any():
            first = out.loc[dup, key].iloc[0].to_dict()
            raise ValueError(f"{name}: {int(dup.sum())} rows share a primary key ({'-'.join(key)}), first {first}")
    return out


def read(name: str) -> pd.DataFrame:
    """Read a resource from ``data/`` and validate it against the dictionary."""
    res = resource(name)
    path = resource_path(res)
    if not path.exists():
        raise FileNotFoundError(f"{res['path']} is listed in data/datapackage.json but missing; run `make data`")
    fields = res["schema"]["fields"]
    numeric = [f["name"] for f in fields if f["type"] != "string"]
    try:
        # fast path: let the CSV parser read the numeric columns (only "" is missing)
        raw = pd.read_csv(path, dtype={f["name"]: (str if f["type"] == "string" else "float64") for f in fields},
                          keep_default_na=False, na_values={c: [""] for c in numeric}, encoding="utf-8")
    except ValueError:
        # a non-numeric value: read everything as text so that validate() names the value and row
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return validate(raw, res)


def _write(desc: dict) -> None:
    DATAPACKAGE.write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


#: Each file's licence, by the kind of its provenance: the paper's figures and quotes keep the paper's
#: licence (with attribution to it); the book's own files are under the book's.
LICENSES = {
    "published": {"name": "CC-BY-NC-3.0", "path": "https://creativecommons.org/licenses/by-nc/3.0/",
                  "title": "Creative Commons Attribution Non Commercial 3.0: figures and quotes of Dixon-Woods M, "
                           "Baker R, Charles K, et al. BMJ Qual Saf 2014;23:106-115 (open access); external figures are "
                           "facts cited to the publication each row names"},
    "book": {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
             "title": "Creative Commons Attribution 4.0: the book's own coding and teaching data; attribute the book"},
}
LICENSES["simulated"] = LICENSES["illustrative"] = LICENSES["book"]


def licence(res: dict) -> list[dict]:
    """The ``licenses`` entry of a resource, from the kind of its provenance."""
    kind = res.get("provenance", {}).get("kind")
    if kind not in LICENSES:
        raise ValueError(f"resource {res.get('name')!r}: provenance kind {kind!r} has no licence; known: {sorted(LICENSES)}")
    return [dict(LICENSES[kind])]


def refresh_hashes(names: list[str] | None = None, seeds: dict[str, int] | None = None) -> list[str]:
    """Rewrite the ``hash`` and ``licenses`` of each resource (or of those in ``names``), and the ``seed`` of
    each simulated one from ``seeds`` (generator module -> its default seed); return the names whose hash
    or seed changed."""
    desc = descriptor()
    changed = []
    for res in desc["resources"]:
        if names is not None and res["name"] not in names:
            continue
        res["licenses"] = licence(res)
        new = "sha256:" + sha256(resource_path(res))
        seed = (seeds or {}).get(res.get("provenance", {}).get("generator"))
        if res.get("hash") != new or (seed is not None and res["provenance"].get("seed") != seed):
            res["hash"] = new
            if seed is not None:
                res["provenance"]["seed"] = seed
            changed.append(res["name"])
    _write(desc)
    return changed


def upsert_resource(res: dict) -> None:
    """Add a resource to data/datapackage.json, or replace the one of the same name (keeps file order)."""
    desc = descriptor()
    names = [r["name"] for r in desc["resources"]]
    if res["name"] in names:
        desc["resources"][names.index(res["name"])] = res
    else:
        desc["resources"].append(res)
    _write(desc)


def dictionary_table() -> pd.DataFrame:
    """Every field of every resource: ``resource, field, type, unit, allowed, description``."""
    rows = []
    for res in descriptor()["resources"]:
        for f in res["schema"]["fields"]:
            cons = f.get("constraints", {})
            allowed = []
            if "enum" in cons:
                allowed.append(" | ".join(map(str, cons["enum"])))
            if "minimum" in cons or "maximum" in cons:
                allowed.append(f"{cons.get('minimum', '')} to {cons.get('maximum', '')}")
            rows.append({"resource": res["name"], "field": f["name"], "type": f["type"],
                         "unit": f.get("unit", ""), "allowed": "; ".join(allowed),
                         "description": f.get("description", "")})
    return pd.DataFrame(rows)
