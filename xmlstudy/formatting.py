"""How a number reads in a table of the book: one home for the display rules every table follows.

* counts with thousands separators (1,562,525 parameters; 4,880 rows; 1,630.0 seconds);
* a value too small for the table's decimals in scientific notation (a weight decay of 1e-5 is
  "1 × 10⁻⁵", never "0.000");
* fractions of data as percents ("10%", "50%", "100%"), metrics on the percent scale with two
  decimals;
* a mean over seeds as "mean ± std"; a deterministic method's one value alone (its name carries
  :data:`DETERMINISTIC_MARK`, explained once under the table);
* an absent value as "—", never NaN or None;
* record keys in headers as words (:data:`HEADER_WORDS`).

Only display: nothing here changes a number that a verdict or a glued sentence reads.
"""
from __future__ import annotations

import math
import numbers

DASH = "—"
# After a method's name: its result does not depend on the seed (xmlstudy.methods.DETERMINISTIC).
DETERMINISTIC_MARK = "†"
# After a cell or a name: a failed run enters it (xmlstudy.failed_runs says which and why).
FAILED_MARK = "‡"
DETERMINISTIC_NOTE = (f"{DETERMINISTIC_MARK} deterministic: the result does not depend on the "
                      "seed, so the table shows its one value without a spread.")

# Record keys and code names that reach a header, as the page says them.
HEADER_WORDS = {
    "n_seeds": "seeds", "n": "runs", "std": "std over seeds", "mean": "mean over seeds",
    "emb_size": "embedding size", "latent_dim": "latent size", "batch_size": "batch size",
    "lr": "learning rate", "weight_decay": "weight decay", "decay": "weight decay",
    "fraction": "share of train", "train_fraction": "share of train", "fit_s": "fit seconds",
    "predict_s": "prediction seconds", "peak_memory_mb": "peak memory (MB)",
    "n_parameters": "trained parameters", "best_epoch": "best epoch", "walks_per_node": "walks per label",
    "walk_length": "walk length", "window": "window", "dropout": "dropout", "n_labels": "labels",
    "w2v_epochs": "word2vec epochs", "w2v_sample": "word2vec subsampling", "k_grid": "k tried",
}

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def is_missing(value) -> bool:
    """None, NaN or pandas' NA/NaT: a value a table shows as :data:`DASH`."""
    if value is None:
        return True
    try:
        return bool(value != value)        # NaN, NaT and pd.NA are not equal to themselves
    except (TypeError, ValueError):        # pd.NA refuses bool(); arrays are not one value
        return value.__class__.__name__ in ("NAType", "NaTType")


def scientific(value: float, significant: int = 2) -> str:
    """``value`` as "m × 10ⁿ" with at most ``significant`` significant digits: 1e-05 -> "1 × 10⁻⁵",
    -0.00314 -> "-3.1 × 10⁻³"."""
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = round(value / 10 ** exponent, significant - 1)
    if abs(mantissa) >= 10:                # 9.96 rounds to 10.0: carry into the exponent
        mantissa, exponent = mantissa / 10, exponent + 1
    text = f"{mantissa:.{significant - 1}f}".rstrip("0").rstrip(".")
    return f"{text} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def number(value, digits: int = 2) -> str:
    """One table cell. Text stays as it is; an absent value is "—"; an integer with thousands
    separators; a float with ``digits`` decimals (and thousands separators from 1,000 on), or in
    scientific notation where those decimals would show a non-zero value as 0."""
    if is_missing(value):
        return DASH
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if not isinstance(value, numbers.Real):
        return str(value)
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value != 0 and abs(value) < 0.5 * 10 ** -digits:
        return scientific(value)
    text = f"{value:,.{digits}f}"
    # "-0.00" is a rounding artefact of a value that the test above already kept from being 0.
    return text if float(text.replace(",", "")) != 0 else f"{0:.{digits}f}"


def setting(value) -> str:
    """A setting's value as short as it reads: 80, 0.5, 0.003, 1 × 10⁻⁵ (a value under 0.001 in
    scientific notation), 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or is_missing(value):
        return number(value)
    if value != 0 and abs(value) < 1e-3:
        return scientific(float(value))
    return f"{value:g}"


def count(value) -> str:
    """A count (rows, parameters, labels) with thousands separators: 1562525 -> "1,562,525"."""
    return DASH if is_missing(value) else f"{round(float(value)):,}"


def percent(fraction, digits: int = 2) -> str:
    """A fraction in [0, 1] as a percent with ``digits`` decimals: 0.4274 -> "42.74"."""
    return DASH if is_missing(fraction) else number(100 * float(fraction), digits)


def share(fraction) -> str:
    """A share of the data as a percent without decimals where it is whole: 0.1 -> "10%",
    1.0 -> "100%", 0.125 -> "12.5%"."""
    if is_missing(fraction):
        return DASH
    value = 100 * float(fraction)
    return f"{value:.0f}%" if abs(value - round(value)) < 1e-9 else f"{value:g}%"


def spread(std: float, digits: int) -> str:
    """The "± std" part of a cell: ``digits`` decimals, or one significant digit where those
    decimals would print 0 for a spread that is not 0 ("± 0.004"), "± 0" for identical runs."""
    if abs(std) < 1e-9:                    # identical runs (and float noise of identical runs)
        return "± 0"
    if abs(std) < 0.5 * 10 ** -digits:
        exponent = math.floor(math.log10(abs(std)))
        return f"± {std:.{-exponent}f}"
    return f"± {std:.{digits}f}"


def header(name) -> str:
    """A column or index header in words (:data:`HEADER_WORDS`); other headers as they are."""
    return HEADER_WORDS.get(name, name) if isinstance(name, str) else name
