"""Four recipe sources as recipe x ingredient (or tag) label matrices.

They serve the label-hierarchy and explanation chapters (the non-negative autoencoder paper explains a recipe-ingredient
label matrix; its BBC Food data is not public), so the labels are the point and the features
are simple, documented and free of label information:

* ``whats_cooking`` (Kaggle "What's Cooking?", Yummly recipes): 39,774 recipes; labels are the
  ingredient strings, normalised (lowercased, whitespace collapsed), which merges 11 strings
  that differ only in case ("Sriracha"/"sriracha"): 6,714 raw -> 6,703 labels. Groups are the 20
  cuisines. Features: the one-hot cuisine (20 columns), i.e. the grouping as input. No split
  (the registry draws one).
* ``bbc_food`` (a 2025 scrape of BBC Food recipes): 9,696 recipes with a title, a link and
  "- ingredient" lines; labels are the normalised ingredient names: 1,374 raw strings, 89 of
  which differ from another only in case ("Butter"/"butter"), leaving 1,285 labels. No grouping.
  Features: a binary bag of title words (lowercased letters-only tokens of two or more letters,
  English stop words removed, words in at least 2 titles), rows L2-normalised; ``texts`` holds
  the titles. The source has no split, so the vocabulary is taken from all titles; it carries no
  label information, and no document-frequency weighting is used, so nothing but the list of
  words depends on rows that may later be test rows. No split (the registry draws one).
* ``epicurious`` (Kaggle "Epicurious - Recipes with Rating and Nutrition", epi_r.csv): 20,052
  rows x (title, rating, calories, protein, fat, sodium, 674 0/1 tags). Labels: all 674 tag
  columns (ingredients, dish types, places, occasions). 1,801 rows are exact copies of an
  earlier row (same title, numbers and tags); they are dropped so that no recipe can sit on both
  sides of a split: 18,251 recipes. Features: rating / 5; log10(1 + x) of calories, protein,
  fat and sodium (their raw values span 0 to 3e7 and are skewed) with 0 where missing plus one
  "<nutrient> missing" 0/1 column each (about 20% of rows lack them); and a binary bag of title
  words as for bbc_food (words in at least 5 titles). ``texts`` holds the titles. No split.
* ``recipes5k`` (Bolaños et al. 2017, annotations only, no images): 4,826 recipes; labels are the
  simplified ingredients (1,013 distinct; the dataset's README says 1,014); groups are the 101
  Food-101 classes (the image folder name); features: the one-hot food class. Its own split is
  kept: train 3,409, valid 634 (the registry uses it as the validation set, or folds it back
  into train when no validation is asked for), test 783.
  ``texts`` holds the recipe names, ``meta["raw_ingredients"]`` the unsimplified ingredient list.

Within a recipe an ingredient listed twice counts once (labels are 0/1).
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from .dataset import DataFile, Dataset, DatasetSpec
from .errors import ParseError


def _github(repo: str, commit: str, path: str) -> str:
    return f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"


# ----------------------------------------------------------------------------- shared helpers

def normalise(name: str) -> str:
    """The label form of an ingredient string: lowercased, whitespace collapsed."""
    return " ".join(name.lower().split())


def label_matrix(label_lists: list[list[str]], names: list[str] | None = None
                 ) -> tuple[sp.csr_matrix, list[str]]:
    """0/1 CSR matrix of lists of label strings; columns are ``names`` (default: the sorted
    distinct labels)."""
    if names is None:
        names = sorted({x for labels in label_lists for x in labels})
    index = {x: j for j, x in enumerate(names)}
    cells = {(i, index[x]) for i, labels in enumerate(label_lists) for x in labels}
    rows, cols = (np.array(sorted(cells)).T if cells else (np.array([], int), np.array([], int)))
    Y = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                      shape=(len(label_lists), len(names)))
    return Y, names


def one_hot(codes: np.ndarray, names: list[str], prefix: str) -> tuple[sp.csr_matrix, list[str]]:
    """One-hot CSR encoding of integer codes into ``len(names)`` columns."""
    n = len(codes)
    X = sp.csr_matrix((np.ones(n, np.float32), (np.arange(n), codes)), shape=(n, len(names)))
    return X, [f"{prefix}={g}" for g in names]


def title_words(titles: list[str], min_df: int) -> tuple[sp.csr_matrix, list[str]]:
    """Binary bag of title words (see the module docstring), rows not normalised."""
    vectorizer = CountVectorizer(lowercase=True, token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b",
                                 stop_words="english", min_df=min_df, binary=True,
                                 dtype=np.float32)
    X = vectorizer.fit_transform(titles)
    return sp.csr_matrix(X), [f"title:{w}" for w in vectorizer.get_feature_names_out()]


# ----------------------------------------------------------------------------- What's Cooking

WHATS_COOKING_FILE = DataFile(
    path="whats_cooking/train.json.zip",
    sha256="dd2026efed961119a130545c4eb5fce74b69a0d56fc1420d609240fed731c1fe",
    url=_github("jielulovesdessert/What-is-cooking", "c33094b6233d47380ed8941f24cf399ecd6b4025",
                "train.json.zip"),
)


def read_whats_cooking(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for the registry: recipes x normalised ingredients, cuisine groups and features."""
    path = Path(paths[WHATS_COOKING_FILE.path])
    with zipfile.ZipFile(path) as zf:
        member = "train.json"
        if member not in zf.namelist():
            raise ParseError(path, None, f"the zip archive has no {member!r} (it holds "
                             f"{zf.namelist()}); restore the original file")
        try:
            records = json.loads(zf.read(member).decode("utf-8"))
        except json.JSONDecodeError as err:
            raise ParseError(f"{path}!{member}", err.lineno,
                             f"invalid JSON ({err.msg}, column {err.colno})") from None
    if not isinstance(records, list):
        raise ParseError(f"{path}!{member}", None, "expected a JSON list of recipes")
    for i, r in enumerate(records):
        if (not isinstance(r, dict) or not isinstance(r.get("cuisine"), str)
                or not isinstance(r.get("ingredients"), list) or "id" not in r
                or not all(isinstance(x, str) for x in r["ingredients"])):
            rid = r.get("id") if isinstance(r, dict) else "?"
            raise ParseError(f"{path}!{member}", None,
                             f"recipe number {i} (id {rid}) must be an object with 'id', a "
                             f"'cuisine' string and an 'ingredients' list of strings")
    Y, labels = label_matrix([[normalise(x) for x in r["ingredients"]] for r in records])
    cuisines = sorted({r["cuisine"] for r in records})
    groups = np.searchsorted(cuisines, [r["cuisine"] for r in records])
    X, features = one_hot(groups, cuisines, "cuisine")
    data = Dataset(name=spec.name, split="all", X=X, Y=Y, feature_names=features,
                   label_names=labels, groups=groups, group_names=cuisines,
                   meta={"id": [r["id"] for r in records],
                         "raw_ingredients": [list(r["ingredients"]) for r in records]})
    return {"all": data}


# ----------------------------------------------------------------------------- BBC Food

BBC_FOOD_FILE = DataFile(
    path="bbc_food/bbc_recipes_ingredients.txt",
    sha256="a2f1e09e887e271606784c49c5c06bc767ff20fe4ff5150f48dd2725e331aa17",
    url=_github("imajirzl/recipe-recommendation", "12ce330419443d7ef2cb0cdddf98b1ab20b3f82a",
                "bbc_recipes_ingredients.txt"),
)


def parse_bbc(path: Path) -> list[dict]:
    """Recipes of the BBC Food text file: blocks of ``Title:``, ``Link: url``, ``- ingredient``
    lines, separated by blank lines. Raises :class:`ParseError` with file and line on anything
    else."""
    recipes: list[dict] = []
    current: dict | None = None
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                current = None
            elif current is None:
                if line.startswith(("- ", "Link: ")):
                    raise ParseError(path, line_no, f"expected a recipe title line, got "
                                     f"{line[:60]!r} (is the blank line before it misplaced?)")
                current = {"title": line.rstrip(":").strip(), "link": None, "ingredients": [],
                           "line": line_no}
                recipes.append(current)
            elif current["link"] is None:
                if not line.startswith("Link: "):
                    raise ParseError(path, line_no, f"expected 'Link: <url>' after the title "
                                     f"{current['title']!r}, got {line[:60]!r}")
                current["link"] = line[len("Link: "):].strip()
            elif line.startswith("- "):
                current["ingredients"].append(line[2:])
            else:
                raise ParseError(path, line_no, f"expected an ingredient line '- <name>' in "
                                 f"recipe {current['title']!r}, got {line[:60]!r}")
    for r in recipes:
        if r["link"] is None:
            raise ParseError(path, r['line'], f"recipe {r['title']!r} has no 'Link: ' line")
    return recipes


def read_bbc_food(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for the registry: recipes x normalised ingredients, title-word features."""
    recipes = parse_bbc(Path(paths[BBC_FOOD_FILE.path]))
    Y, labels = label_matrix([[normalise(x) for x in r["ingredients"]] for r in recipes])
    titles = [r["title"] for r in recipes]
    X, features = title_words(titles, min_df=2)
    data = Dataset(name=spec.name, split="all", X=normalize(X, norm="l2"), Y=Y,
                   feature_names=features, label_names=labels, texts=titles,
                   meta={"link": [r["link"] for r in recipes],
                         "raw_ingredients": [r["ingredients"] for r in recipes]})
    return {"all": data}


# ----------------------------------------------------------------------------- Epicurious

EPICURIOUS_FILE = DataFile(
    path="epicurious/epi_r.csv.zip",
    sha256="48a6366186f170b3448401f79057c0e8cf2f85cd9e79ea50b121d48b84357000",
    url=_github("kyrarivest/Epicurious-Recipe-Prediction",
                "2db71a7af32e536b00faef33dc2bf68a9884bcd7", "epi_r.csv.zip"),
)
EPICURIOUS_NUMERIC = ("rating", "calories", "protein", "fat", "sodium")
NUTRIENTS = ("calories", "protein", "fat", "sodium")


def _csv_line_of_row(text: str, row: int) -> int:
    """Line number (1-based) where data row ``row`` (0-based, after the header) starts; titles
    may hold quoted newlines, so lines are counted by the csv module, not by splitting."""
    reader = csv.reader(io.StringIO(text))
    next(reader)
    start = reader.line_num + 1
    for i, _ in enumerate(reader):
        if i == row:
            break
        start = reader.line_num + 1
    return start


def read_epicurious_table(path: Path) -> pd.DataFrame:
    """epi_r.csv as a DataFrame with checked columns: title, the five numbers, 0/1 tags.

    Raises :class:`ParseError` with file and line for a missing column or a tag value other than 0/1.
    """
    with zipfile.ZipFile(path) as zf:
        member = "epi_r.csv"
        if member not in zf.namelist():
            raise ParseError(path, None, f"the zip archive has no {member!r}; restore the original")
        text = zf.read(member).decode("utf-8")
    where = f"{path}!{member}"
    table = pd.read_csv(io.StringIO(text))
    missing = [c for c in ("title",) + EPICURIOUS_NUMERIC if c not in table.columns]
    if missing:
        raise ParseError(where, 1, f"header lacks the columns {missing}")
    tags = table.columns[len(EPICURIOUS_NUMERIC) + 1:]
    values = table[tags].apply(pd.to_numeric, errors="coerce").to_numpy()
    bad = np.argwhere(~np.isin(values, (0.0, 1.0)))
    if len(bad):
        row, col = bad[0]
        raise ParseError(
            where, _csv_line_of_row(text, int(row)),
            f"tag {tags[col]!r} is "
            f"{table[tags[col]].iloc[row]}; tag columns must hold 0 or 1"
        )
    for c in EPICURIOUS_NUMERIC:
        numbers = pd.to_numeric(table[c], errors="coerce")
        bad_rows = np.flatnonzero(numbers.isna().to_numpy() & table[c].notna().to_numpy())
        if len(bad_rows):
            raise ParseError(where, _csv_line_of_row(text, int(bad_rows[0])), f"{c} is "
                             f"{table[c].iloc[bad_rows[0]]}, not a number")
        table[c] = numbers
    return table


def read_epicurious(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for the registry: recipes x 674 tags, nutrition and title-word features."""
    table = read_epicurious_table(Path(paths[EPICURIOUS_FILE.path]))
    n_raw = len(table)
    table = table.drop_duplicates().reset_index(drop=True)
    tags = list(table.columns[len(EPICURIOUS_NUMERIC) + 1:])
    Y = sp.csr_matrix(table[tags].to_numpy(dtype=np.float32))
    nutrients = table[list(NUTRIENTS)].to_numpy(dtype=np.float64)
    missing = np.isnan(nutrients)
    numeric = np.column_stack([
        table["rating"].to_numpy() / 5.0,
        np.where(missing, 0.0, np.log10(1.0 + np.clip(np.nan_to_num(nutrients), 0, None))),
        missing.astype(np.float64),
    ])
    titles = [" ".join(str(t).split()) for t in table["title"]]
    words, word_names = title_words(titles, min_df=5)
    X = sp.hstack([sp.csr_matrix(numeric.astype(np.float32)), words], format="csr")
    names = (["rating/5"] + [f"log10(1+{n})" for n in NUTRIENTS]
             + [f"{n} missing" for n in NUTRIENTS] + word_names)
    data = Dataset(name=spec.name, split="all", X=X, Y=Y, feature_names=names,
                   label_names=tags, texts=titles,
                   meta={"raw_rows": n_raw, "duplicates_dropped": n_raw - len(table)})
    return {"all": data}


# ----------------------------------------------------------------------------- Recipes5k

_R5K_REPO, _R5K_COMMIT = "yq605879396/You-NutritionBro", "f373940cf285dc8c1cd906db651f52b85a44ea02"
_R5K_SHA256 = {
    "annotations/classes_Recipes5k.txt":
        "aa50e20d6c414ba7617ee788572242916a49ee5480a4024154d9846b7a30b46f",
    "annotations/ingredients_Recipes5k.txt":
        "495f2f368155e4967d693a4e96995af2dfba1c4300f7439ed8018ad7f859df2e",
    "annotations/ingredients_simplified_Recipes5k.txt":
        "d1c00abd7f7f1f2662ba216a5faf1800026f741550fa6dee2dbf38b97553e654",
    "annotations/train_images.txt":
        "3435435db600c221983a8e6029b4d09626f4e1d4457511e91cf2e5b8ab060838",
    "annotations/train_labels.txt":
        "9c732782e246f261381986c9b4da81d9541d1053e567db8563a7abf6238e9462",
    "annotations/val_images.txt":
        "57459b01a410626cf90ec089e05a36c5bd8fa02de699f9c9e800815369a95f7c",
    "annotations/val_labels.txt":
        "aefacd844f57b6a135dee54ceef4d5bf7c2e09c12983c85ddb86e6acbd2b2876",
    "annotations/test_images.txt":
        "ce3071f5811a37327ad93aba6ca506980c80cbc1611e611c09a0023809caee91",
    "annotations/test_labels.txt":
        "02082eb6857972842475203844d0024716816075722b8ace8253628a0c4a2428",
}
RECIPES5K_FILES = tuple(
    DataFile(path=f"recipes5k/{p}", sha256=sha,
             url=_github(_R5K_REPO, _R5K_COMMIT, f"data/Recipes5k/{p}"))
    for p, sha in _R5K_SHA256.items()
)


def _lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def read_recipes5k(paths: dict[str, Path], spec: DatasetSpec) -> dict[str, Dataset]:
    """Reader for the registry: the official train/val/test split, simplified ingredients."""
    def p(name):
        return Path(paths[f"recipes5k/annotations/{name}"])

    simplified = _lines(p("ingredients_simplified_Recipes5k.txt"))
    raw = _lines(p("ingredients_Recipes5k.txt"))
    names = _lines(p("classes_Recipes5k.txt"))
    if not (len(simplified) == len(raw) == len(names)):
        raise ParseError(
            p('ingredients_simplified_Recipes5k.txt').parent, None,
            f"the simplified ingredients, raw "
            f"ingredients and recipe names files must have one line per recipe, but have "
            f"{len(simplified)}, {len(raw)} and {len(names)} lines"
        )
    lists = {}
    for split in ("train", "val", "test"):
        images, indices = _lines(p(f"{split}_images.txt")), _lines(p(f"{split}_labels.txt"))
        if len(images) != len(indices):
            raise ParseError(p(f"{split}_labels.txt"), None,
                             f"{len(indices)} lines but {split}_images.txt has {len(images)}; "
                             f"they must pair up line by line")
        rows = []
        for line_no, value in enumerate(indices, start=1):
            if not value.strip().isdigit() or int(value) >= len(simplified):
                raise ParseError(p(f"{split}_labels.txt"), line_no,
                                 f"{value!r} is not a line index into the {len(simplified)} "
                                 f"ingredient lines (0-based)")
            rows.append(int(value))
        lists[split] = (images, rows)
    all_rows = [r for _, rows in lists.values() for r in rows]
    if len(set(all_rows)) != len(all_rows):
        raise ParseError(p('train_labels.txt').parent, None, "a recipe appears in more than one "
                         "split list or twice in one; the split files are inconsistent")
    classes = sorted({img.split("/")[0] for images, _ in lists.values() for img in images})

    ingredient_lists = [[normalise(x) for x in line.split(",") if x.strip()] for line in simplified]
    labels = sorted({x for lst in ingredient_lists for x in lst})
    out = {}
    for split, source in (("train", "train"), ("valid", "val"), ("test", "test")):
        images, rows = lists[source]
        groups = np.searchsorted(classes, [img.split("/")[0] for img in images])
        X, features = one_hot(groups, classes, "food class")
        Y, _ = label_matrix([ingredient_lists[r] for r in rows], names=labels)
        out[split] = Dataset(
            name=spec.name, split=split, X=X, Y=Y, feature_names=features, label_names=labels,
            groups=groups, group_names=classes, texts=[names[r] for r in rows],
            meta={"image": images, "line": rows,
                  "raw_ingredients": [raw[r].split(",") for r in rows]})
    return out


# ----------------------------------------------------------------------------- registry entries

_KAGGLE_NOTE = "Kaggle data: research use only, no redistribution beyond what its terms allow"

SPECS = [
    DatasetSpec(
        name="whats_cooking",
        title="What's Cooking? (Kaggle/Yummly): recipes x ingredients, 20 cuisines",
        files=(WHATS_COOKING_FILE,),
        reader=read_whats_cooking,
        format="JSON list of {id, cuisine, ingredients} in a zip",
        source="Kaggle competition \"What's Cooking?\" (Yummly), train.json, mirrored in the GitHub "
               "repository jielulovesdessert/What-is-cooking",
        citation="kaggle2015whatscooking",
        licence=_KAGGLE_NOTE,
        split="no split used from the source (Kaggle's test set has no labels): a seeded random "
              "80/20 train/test split drawn by the registry",
        expected={"rows": 39774, "train": 31819, "test": 7955, "features": 20, "labels": 6703,
                  "cardinality": 10.77, "empty_rows": 0, "published": {"labels": 6714}},
        notes="Labels: ingredient strings lowercased and whitespace-collapsed (6,714 raw, 6,703 "
              "after normalising). Features: one-hot cuisine. groups = cuisine.",
    ),
    DatasetSpec(
        name="bbc_food",
        title="BBC Food recipes (2025 scrape): recipes x ingredients",
        files=(BBC_FOOD_FILE,),
        reader=read_bbc_food,
        format="text: 'Title:', 'Link: url', '- ingredient' lines, blank-line separated",
        source="BBC Food recipe pages (bbc.co.uk/food), scraped in the GitHub repository "
               "imajirzl/recipe-recommendation",
        citation="bbcfood",
        licence="Content belongs to the BBC; research use only",
        split="no split in the source: a seeded random 80/20 train/test split drawn by the "
              "registry",
        expected={"rows": 9696, "train": 7757, "test": 1939, "features": 1980, "labels": 1285,
                  "cardinality": 12.22, "empty_rows": 0, "published": {"labels": 1374}},
        notes="Labels: ingredient names lowercased (1,374 raw strings, 1,285 labels). Features: "
              "binary title words (min_df=2), rows L2-normalised. This is not the non-negative autoencoder paper's BBC data "
              "(3,379 recipes with images, 708 ingredients), which is not public.",
    ),
    DatasetSpec(
        name="epicurious",
        title="Epicurious recipes with rating and nutrition: recipes x 674 tags",
        files=(EPICURIOUS_FILE,),
        reader=read_epicurious,
        format="CSV in a zip: title, rating, calories, protein, fat, sodium, 674 0/1 tags",
        source="Kaggle dataset \"Epicurious - Recipes with Rating and Nutrition\" (H. Darwood), "
               "epi_r.csv, mirrored in the GitHub repository kyrarivest/Epicurious-Recipe-Prediction",
        citation="darwood2017epicurious",
        licence=_KAGGLE_NOTE + "; recipe content belongs to Epicurious (Condé Nast)",
        split="no split in the source: a seeded random 80/20 train/test split drawn by the "
              "registry, after dropping 1,801 exact duplicate rows",
        expected={"rows": 18251, "train": 14601, "test": 3650, "features": 1400, "labels": 674,
                  "cardinality": 12.32, "empty_rows": 0, "published": {"rows": 20052}},
        notes="Labels: all 674 tag columns. Features: rating/5, log10(1+nutrient) with missing "
              "flags, binary title words (min_df=5). 20,052 raw rows, 1,801 exact duplicates "
              "dropped.",
    ),
    DatasetSpec(
        name="recipes5k",
        title="Recipes5k: recipes x simplified ingredients, 101 food classes",
        files=RECIPES5K_FILES,
        reader=read_recipes5k,
        format="text annotation files: one ingredient list per line, split lists of indices",
        source="Recipes5k annotations (Bolaños, Ferrà and Radeva 2017), mirrored in the GitHub "
               "repository yq605879396/You-NutritionBro",
        citation="bolanos2017recipes5k",
        licence="Research use; cite Bolaños et al. 2017 (recipes and images come from Yummly)",
        split="the dataset's own split: train 3,409, val 634 (used as the validation set; "
              "folded into train when valid_fraction is 0), test 783",
        expected={"rows": 4826, "train": 4043, "valid": 634, "test": 783, "features": 101,
                  "labels": 1013, "cardinality": 9.44, "empty_rows": 0,
                  "published": {"labels": 1014}},
        notes="Labels: simplified ingredients (1,013 distinct in the file; its README says "
              "1,014). Features: one-hot food class. groups = food class. No images.",
    ),
]
